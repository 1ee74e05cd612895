"""Counting the dossiers taken in for agencies: how many, by what, and how fast they reached the desk.

A dossier is counted on the day it was taken in (at the door or the counter). It reached the
agency on time if the desk acknowledged it by the end of the working day `limit_days` after
that day (Decision 45 leaves the limit to the agreement with each agency: INTAKE_LIMIT_DAYS).
One still waiting is late only once that day is over. Nothing here touches the database.
"""
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .acknowledgement import promise_after
from .formatting import to_local


@dataclass(frozen=True)
class TakenIn:
    shipment_id: int
    procedure: str
    ward_code: int
    channel: str
    agency_id: int
    taken_at: datetime                # UTC
    acknowledged_at: datetime | None  # UTC


@dataclass
class IntakeTally:
    taken_in: int = 0
    acknowledged: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def waiting(self) -> int:
        return self.taken_in - self.acknowledged

    @property
    def on_time_percent(self) -> float | None:
        judged = self.on_time + self.late
        return 100 * self.on_time / judged if judged else None


def deadline(taken_at: datetime, limit_days: int) -> date:
    """The last local day on which the desk's acknowledgement is on time."""
    return promise_after(to_local(taken_at).date(), limit_days)


def tally(rows: Iterable[TakenIn], key: Callable[[TakenIn], Hashable], limit_days: int,
          now: datetime) -> dict[Hashable, IntakeTally]:
    """Count `rows` by `key`; `now` decides whether a dossier still waiting is late yet."""
    counted: dict[Hashable, IntakeTally] = {}
    for row in rows:
        line = counted.setdefault(key(row), IntakeTally())
        line.taken_in += 1
        last_day = deadline(row.taken_at, limit_days)
        if row.acknowledged_at is not None:
            line.acknowledged += 1
            if to_local(row.acknowledged_at).date() <= last_day:
                line.on_time += 1
            else:
                line.late += 1
        elif to_local(now).date() > last_day:
            line.late += 1
    return counted
