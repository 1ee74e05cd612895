"""Vietnamese presentation of dates, times and money.

Times are stored in UTC and shown in Asia/Ho_Chi_Minh (UTC+7, no daylight
saving). Dates read dd/mm/yyyy; đồng are grouped with dots: 1.250.000 ₫.
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Vietnam time; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM)


def local_today(now: datetime | None = None) -> date:
    """Today's date in Vietnam (which differs from UTC's between 17:00 and 24:00 UTC)."""
    return to_local(now or datetime.now(timezone.utc)).date()


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; a datetime is first converted to Vietnam time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """'HH:MM dd/mm/yyyy' in Vietnam time, the order Vietnamese forms use."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def format_vnd(amount: int | None, locale: str = "vi") -> str:
    """Whole đồng grouped by thousands: '1.250.000 ₫' (English: '1,250,000 ₫')."""
    if amount is None:
        return ""
    grouped = f"{abs(int(amount)):,}"
    if locale == "vi":
        grouped = grouped.replace(",", ".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{grouped} ₫"
