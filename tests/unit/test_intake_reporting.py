"""Counting dossiers taken in, and whether each reached the agency's desk in time."""
from datetime import datetime, timezone

from courier.domain.intake_reporting import TakenIn, deadline, tally

UTC = timezone.utc
THURSDAY_NOON = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)  # 12:00 in Vietnam


def taken(acknowledged_at=None, channel="web", taken_at=THURSDAY_NOON, n=1) -> TakenIn:
    return TakenIn(shipment_id=n, procedure="1.001193 Lý lịch tư pháp", ward_code=20341, channel=channel,
                   agency_id=1, taken_at=taken_at, acknowledged_at=acknowledged_at)


def test_the_deadline_is_the_end_of_the_next_working_day_in_vietnam():
    assert deadline(THURSDAY_NOON, 1).isoformat() == "2026-12-04"
    friday_late = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 23:30 Friday in Vietnam
    assert deadline(friday_late, 1).isoformat() == "2026-12-07"  # Monday


def test_on_time_late_and_waiting_are_told_apart():
    friday_evening = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)   # 18:00 Friday: still on time
    saturday_morning = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # 01:00 Saturday in Vietnam: late
    rows = [taken(friday_evening, n=1), taken(saturday_morning, n=2), taken(None, n=3), taken(None, "phone", n=4)]
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # Friday: the waiting ones are not late yet
    total = tally(rows, lambda row: None, 1, now)[None]
    assert (total.taken_in, total.acknowledged, total.on_time, total.late, total.waiting) == (4, 2, 1, 1, 2)
    assert total.on_time_percent == 50
    later = tally(rows, lambda row: row.channel, 1, datetime(2026, 12, 7, 3, 0, tzinfo=UTC))  # Monday
    assert (later["web"].late, later["phone"].late) == (2, 1)
