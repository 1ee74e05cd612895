"""Vietnamese dates, money and time zone."""
from datetime import date, datetime, timezone

from courier.domain.formatting import format_date, format_datetime, format_vnd, local_today, to_local


def test_money_is_grouped_with_dots_and_the_dong_sign():
    assert format_vnd(1_250_000) == "1.250.000 ₫"
    assert format_vnd(0) == "0 ₫"
    assert format_vnd(18_000) == "18.000 ₫"
    assert format_vnd(-50_000) == "-50.000 ₫"


def test_money_in_english_groups_with_commas():
    assert format_vnd(1_250_000, "en") == "1,250,000 ₫"


def test_dates_read_day_month_year():
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_date(None) == ""


def test_times_are_shown_in_vietnam_time():
    evening_utc = datetime(2026, 11, 27, 23, 30, tzinfo=timezone.utc)
    assert format_datetime(evening_utc) == "06:30 28/11/2026"
    assert format_date(evening_utc) == "28/11/2026"
    assert to_local(evening_utc).utcoffset().total_seconds() == 7 * 3600


def test_today_is_vietnams_today_not_utcs():
    assert local_today(datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc)) == date(2026, 11, 28)
    assert local_today(datetime(2026, 11, 27, 16, 59, tzinfo=timezone.utc)) == date(2026, 11, 27)
