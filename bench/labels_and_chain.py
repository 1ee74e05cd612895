"""Labels per second for a 1,000-label sheet, and `verify` over a million chained events."""
import time

from sqlalchemy import insert

from bench.common import SCALE, report, scratch_app
from courier.ledger import chain
from courier.domain.labels import LabelData, a4_sheet_pdf


def bench_labels() -> None:
    count = max(14, int(1000 * SCALE))
    labels = [LabelData(f"http://localhost:8000/t/{n:024d}", f"000.00.17.H47-261127-{n:04d}",
                        "Huỳnh Thị Phương Thảo", "Phường Bàn Thạch", "29/11/2026", "Hẹn trả") for n in range(count)]
    started = time.perf_counter()
    pdf = a4_sheet_pdf(labels)
    seconds = time.perf_counter() - started
    report(f"{count} QR labels to an A4 PDF", f"{seconds:.1f} s ({count / seconds:.0f}/s, {len(pdf) // 1024} KiB)",
           "≤ 10 s for 1,000")


def bench_verify(kind: str) -> None:
    count = max(1000, int(1_000_000 * SCALE))
    with scratch_app(kind) as app:
        from courier.extensions import db
        from courier.models import ChainHead, Event

        started = time.perf_counter()
        _chained_events(db, Event, ChainHead, count)
        made = time.perf_counter() - started
        started = time.perf_counter()
        result = chain.verify(db.session, "event")
        seconds = time.perf_counter() - started
        assert result.ok and result.checked == count, result
        report(f"verify {count:,} events ({kind})", f"{seconds:.1f} s (made in {made:.0f} s)", "seconds")


def _chained_events(db, Event, ChainHead, count: int, batch: int = 20_000) -> None:
    """Insert `count` events already sealed, as the flush listener would have sealed them."""
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    prev, seq = chain.GENESIS, 0
    connection = db.session.connection()
    for first in range(0, count, batch):
        rows = []
        for n in range(first, min(count, first + batch)):
            seq += 1
            record = Event(id=n + 1, shipment_id=None, actor_id=None, actor_label="bench", action="receive",
                           from_state="registered", to_state="received",
                           created_at=start + timedelta(seconds=n), details={})
            digest = chain.link_hash(prev, seq, chain.canonical(record, chain.EVENT_FIELDS))
            rows.append({"id": n + 1, "actor_label": "bench", "action": "receive", "from_state": "registered",
                         "to_state": "received", "created_at": record.created_at, "details": {},
                         "seq": seq, "prev_hash": prev, "hash": digest})
            prev = digest
        connection.execute(insert(Event), rows)
    connection.execute(insert(ChainHead).values(name="event", seq=seq, hash=prev))
    db.session.commit()
