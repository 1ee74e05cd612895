"""The dispatcher's board and search at a million shipments (and three million events)."""
import random
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert

from bench.common import SCALE, percentile, report, scratch_app, timed
from courier.domain.states import State

STATES = [State.DELIVERED] * 6 + [State.RECEIVED, State.ASSIGNED, State.OUT_FOR_DELIVERY, State.FAILED_ATTEMPT,
                                   State.RETURNED, State.REGISTERED]
WARDS = [20341, 20335, 20350, 20971]
NAMES = ["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Minh Tuấn", "Phạm Thu Hà", "Huỳnh Văn Phúc", "Võ Thị Mai"]


def bench_board_and_search(kind: str) -> None:
    count = max(2000, int(1_000_000 * SCALE))
    with scratch_app(kind) as app:
        from courier.extensions import db

        started = time.perf_counter()
        office_id = _generate(db, count)
        made = time.perf_counter() - started
        from courier.services import board, search

        board_ms = timed(lambda: (board.office_summary(office_id), db.session.rollback()), 15)
        report(f"board at {count:,} shipments ({kind})", f"p95 {percentile(board_ms, 95):.0f} ms "
               f"(data made in {made:.0f} s)", "p95 ≤ 100 ms")
        queries = [search.Filters(), search.Filters(state=State.FAILED_ATTEMPT), search.Filters(q="0905000123"),
                   search.Filters(q="000.00.17.H47-260101-000777"), search.Filters(ward_code=20350)]
        samples = []
        for filters in queries:
            samples += timed(lambda: (search.search(office_id, filters), db.session.rollback()), 6)
        report(f"search page at {count:,} shipments ({kind})", f"p95 {percentile(samples, 95):.0f} ms",
               "p95 ≤ 100 ms")


def _generate(db, count: int, batch: int = 20_000) -> int:
    from courier.models import Agency, Dossier, Event, PostOffice, Shipment

    rng = random.Random(7)
    connection = db.session.connection()
    office_id = connection.execute(insert(PostOffice).values(code="BC-BENCH", name="Bưu cục đo").returning(
        PostOffice.id)).scalar()
    agency_id = connection.execute(insert(Agency).values(code="000.00.17.H47", name="TTHCC").returning(
        Agency.id)).scalar()
    now = datetime.now(timezone.utc)
    for first in range(0, count, batch):
        ids = range(first + 1, min(count, first + batch) + 1)
        connection.execute(insert(Dossier), [{
            "id": n, "agency_id": agency_id, "code": f"000.00.17.H47-260101-{n:06d}",
            "procedure_name": "Cấp phiếu lý lịch tư pháp", "applicant_name": rng.choice(NAMES),
            "applicant_phone": f"0905{n % 1_000_000:06d}", "street": f"{n % 300} Hùng Vương",
            "ward_code": rng.choice(WARDS), "province_code": 48,
            "due_date": date.today() + timedelta(days=rng.randint(-5, 5)), "fee_agency": 0, "fee_postage": 25000,
            "created_at": now} for n in ids])
        connection.execute(insert(Shipment), [{
            "id": n, "public_id": uuid.uuid4(), "dossier_id": n, "direction": "deliver_result",
            "state": rng.choice(STATES), "attempts_count": 0, "post_office_id": office_id,
            "created_at": now, "updated_at": now} for n in ids])
        connection.execute(insert(Event), [{
            "shipment_id": n, "action": action, "to_state": action, "created_at": now, "details": {}}
            for n in ids for action in ("register", "receive", "assign")])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as analyze:
            analyze.exec_driver_sql("ANALYZE")
            analyze.commit()
    return office_id
