"""What the report counts: on time by Vietnam's calendar, each result once, fees by kind and method."""
from datetime import date, datetime, timezone

import pytest

from courier.domain.reporting import Movement, Visit, reconcile, tally
from courier.forms import parse_vnd

DUE = date(2026, 11, 20)


def visit(at: datetime, *, shipment_id=1, courier_id=7, delivered=True, due=DUE, **fees) -> Visit:
    return Visit(shipment_id=shipment_id, courier_id=courier_id, agency_id=3, ward_code=20341,
                 delivered=delivered, at=at, due_date=due, **fees)


def test_a_hand_over_late_in_the_evening_of_the_due_day_is_on_time():
    # 16:30 UTC is 23:30 in Vietnam, still the due day; 17:30 UTC is already the next day there.
    evening = tally([visit(datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc))])[None]
    after_midnight = tally([visit(datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc))])[None]
    assert (evening.on_time, evening.late) == (1, 0)
    assert (after_midnight.on_time, after_midnight.late) == (0, 1)


def test_a_result_without_a_due_date_is_never_late():
    result = tally([visit(datetime(2027, 1, 1, tzinfo=timezone.utc), due=None)])[None]
    assert (result.delivered, result.on_time, result.late) == (1, 1, 0)


def test_a_result_handed_over_twice_counts_once_and_failed_visits_each_count():
    at = datetime(2026, 11, 19, 3, tzinfo=timezone.utc)
    rows = [visit(at, delivered=False), visit(at.replace(hour=5), delivered=False),
            visit(at.replace(hour=7), fee_agency=200_000, payment_method="cash"),
            visit(at.replace(hour=8), fee_agency=200_000, payment_method="cash")]  # a conflict's second hand-over
    result = tally(rows)[None]
    assert (result.delivered, result.failed_visits) == (1, 2)
    assert result.fee("agency") == 200_000


def test_fees_add_up_by_kind_and_by_method():
    at = datetime(2026, 11, 19, 3, tzinfo=timezone.utc)
    rows = [visit(at, shipment_id=1, fee_agency=200_000, fee_postage=25_000, payment_method="cash"),
            visit(at, shipment_id=2, fee_agency=50_000, fee_postage=20_000, payment_method="transfer"),
            visit(at, shipment_id=3, fee_postage=15_000)]  # no method recorded: cash
    result = tally(rows)[None]
    assert result.fee("agency") == 250_000 and result.fee("postage") == 60_000
    assert result.fee(method="cash") == 240_000 and result.fee(method="transfer") == 70_000
    assert result.fee("postage", "transfer") == 20_000
    assert result.on_time_percent == 100.0


def test_rows_are_grouped_by_the_key_and_movements_counted_beside_visits():
    at = datetime(2026, 11, 19, 3, tzinfo=timezone.utc)
    rows = [visit(at, shipment_id=1, courier_id=7), visit(at, shipment_id=2, courier_id=8, delivered=False),
            visit(at, shipment_id=3, courier_id=8)]
    by_courier = tally(rows, key=lambda v: v.courier_id)
    assert (by_courier[7].delivered, by_courier[8].delivered, by_courier[8].failed_visits) == (1, 1, 1)
    taken_in = [Movement(9, 3, 20341, at), Movement(10, 3, 20341, at)]
    by_day = tally(rows, received=taken_in, returned=taken_in[:1], key=lambda row: row.day)
    assert (by_day[date(2026, 11, 19)].received, by_day[date(2026, 11, 19)].returned) == (2, 1)


def test_nothing_delivered_has_no_on_time_rate():
    result = tally([visit(datetime(2026, 11, 19, tzinfo=timezone.utc), delivered=False)])[None]
    assert result.on_time_percent is None


def test_reconciliation_shows_what_each_courier_still_owes_or_handed_in_over():
    lines = {line.courier_id: line for line in reconcile({7: 450_000, 8: 100_000}, {7: 400_000, 9: 20_000})}
    assert lines[7].difference == 50_000
    assert lines[8].difference == 100_000  # collected, nothing handed in yet
    assert lines[9].difference == -20_000  # handed in without collecting: over


@pytest.mark.parametrize("typed, amount", [("1.250.000", 1_250_000), ("1 250 000 ₫", 1_250_000),
                                           ("450000đ", 450_000), ("-50.000", -50_000), ("1,250,000", 1_250_000)])
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_vnd(typed) == amount


@pytest.mark.parametrize("typed", ["", "mười nghìn", "12.5a", "--5"])
def test_amounts_that_are_not_whole_dong_are_refused(typed):
    with pytest.raises(ValueError):
        parse_vnd(typed)
