"""Counting a period's work for the province's administrative-reform report.

Plain Python over plain rows: the services module reads the rows from the
database, this module decides what counts as delivered, on time, late,
failed or returned, and adds up fees. One rule for each figure, so the page,
the charts and the exported files always agree.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Hashable, Iterable

from .formatting import to_local


@dataclass(frozen=True)
class Visit:
    """One courier's visit (an attempt) in the period, with what the report groups it by."""

    shipment_id: int
    courier_id: int
    agency_id: int
    ward_code: int
    delivered: bool
    at: datetime          # when the hand-over or failed visit happened
    due_date: date | None
    fee_agency: int = 0
    fee_postage: int = 0
    payment_method: str | None = None  # "cash" or "transfer" when a fee was paid

    @property
    def day(self) -> date:
        return to_local(self.at).date()

    @property
    def on_time(self) -> bool:
        """Delivered on or before the due date (Vietnam's calendar); no due date counts as on time."""
        return self.delivered and (self.due_date is None or self.day <= self.due_date)


@dataclass(frozen=True)
class Movement:
    """A result taken in from, or given back to, the agency in the period."""

    shipment_id: int
    agency_id: int
    ward_code: int
    at: datetime

    @property
    def day(self) -> date:
        return to_local(self.at).date()


@dataclass
class Tally:
    """The figures of one row of the report (one courier, commune, agency or day, or the total)."""

    received: int = 0
    delivered: int = 0
    on_time: int = 0
    failed_visits: int = 0
    returned: int = 0
    fees: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))  # (kind, method) -> đồng
    _delivered_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def late(self) -> int:
        return self.delivered - self.on_time

    @property
    def on_time_percent(self) -> float | None:
        """Share of delivered results that were on time, or None when nothing was delivered."""
        return round(100 * self.on_time / self.delivered, 1) if self.delivered else None

    def fee(self, kind: str | None = None, method: str | None = None) -> int:
        """Fees collected, optionally only of one kind ("agency", "postage") or method ("cash", "transfer")."""
        return sum(amount for (k, m), amount in self.fees.items()
                   if kind in (None, k) and method in (None, m))

    def add_visit(self, visit: Visit) -> None:
        if not visit.delivered:
            self.failed_visits += 1
            return
        # A result is delivered once, even if a conflict left two hand-overs on record.
        if visit.shipment_id in self._delivered_ids:
            return
        self._delivered_ids.add(visit.shipment_id)
        self.delivered += 1
        self.on_time += visit.on_time
        method = visit.payment_method or "cash"
        if visit.fee_agency:
            self.fees[("agency", method)] += visit.fee_agency
        if visit.fee_postage:
            self.fees[("postage", method)] += visit.fee_postage


FEE_KINDS = ("agency", "postage")
PAYMENT_METHODS = ("cash", "transfer")


def tally(visits: Iterable[Visit], received: Iterable[Movement] = (), returned: Iterable[Movement] = (),
          key: Callable[[Visit | Movement], Hashable] | None = None) -> dict[Hashable, Tally]:
    """Add the period's rows up, one Tally per key (all under None when no key is given).

    `key` is applied to visits and movements alike, so it must read a field both have
    (agency_id, ward_code, day); grouping movements by courier makes no sense and is
    left to the caller (pass no movements).
    """
    key = key or (lambda row: None)
    tallies: dict[Hashable, Tally] = defaultdict(Tally)
    for visit in sorted(visits, key=lambda v: v.at):  # the first hand-over of a shipment counts
        tallies[key(visit)].add_visit(visit)
    for movement in received:
        tallies[key(movement)].received += 1
    for movement in returned:
        tallies[key(movement)].returned += 1
    return dict(tallies)


@dataclass(frozen=True)
class CashLine:
    """A courier's cash for the period: what their hand-overs collected and what they handed in."""

    courier_id: int
    collected: int
    handed_in: int

    @property
    def difference(self) -> int:
        """Positive: the courier still owes the office; negative: more was handed in than collected."""
        return self.collected - self.handed_in


def reconcile(collected_cash: dict[int, int], handed_in: dict[int, int]) -> list[CashLine]:
    """One line per courier who collected or handed in cash, in courier id order."""
    couriers = sorted(set(collected_cash) | set(handed_in))
    return [CashLine(c, collected_cash.get(c, 0), handed_in.get(c, 0)) for c in couriers]
