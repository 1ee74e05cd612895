"""The board's two lists, "due and not out" and the failures queue, and the partial indexes that answer them.

Each reads a partial index (migration 0011): the shipments not yet out by the
copy of their dossier's due date, and the visits a dispatcher must look at.
Each test runs on the suite's database (DATABASE_URL set → PostgreSQL).
"""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.models import Attempt, Dossier, Event, Outcome, Shipment
from courier.services import board
from tests import factories
from tests.databases import statements_sent
from tests.conftest import csrf_token_from
from tests.integration.dispatch_support import SHIPMENT_LINK, csrf, elsewhere, received
from tests.integration.migration_support import old_dossiers
from tests.integration.test_citizen_link import deliver, linked, prove

TODAY = local_today()


@pytest.fixture(autouse=True)
def _today():
    """Vietnam's today as each test starts, not as the file was collected (midnight there is 17:00 UTC)."""
    global TODAY
    TODAY = local_today()


def section(html: str, heading: str) -> list[str]:
    """The shipment links under one of the board's headings, in the order shown."""
    part = html.split(heading, 1)[1].split("<h2", 1)[0]
    return SHIPMENT_LINK.findall(part)


def due_list(client) -> list[str]:
    return section(client.get("/dispatch/").get_data(as_text=True), "Đến hạn trả hôm nay hoặc quá hạn")


def link(shipment) -> str:
    return str(shipment.public_id)


def stored_due_date(db, shipment):
    return db.session.execute(text("SELECT due_date FROM shipment WHERE id = :id"), {"id": shipment.id}).scalar()


def test_a_shipment_keeps_its_dossiers_due_date_whichever_changes(db, office):
    shipment = factories.shipment(office, due_date=TODAY)
    db.session.commit()
    assert str(stored_due_date(db, shipment)) == TODAY.isoformat()
    dossier_id = shipment.dossier_id
    db.session.expire_all()
    # The dossier alone is loaded and changed: its shipment's copy follows.
    db.session.get(Dossier, dossier_id).due_date = TODAY + timedelta(days=3)
    db.session.commit()
    assert str(stored_due_date(db, shipment)) == (TODAY + timedelta(days=3)).isoformat()
    # Both loaded: the loaded shipment is told too, without reading it again.
    loaded = db.session.get(Shipment, shipment.id)
    loaded.dossier.due_date = None
    db.session.flush()
    assert loaded.due_date is None and stored_due_date(db, shipment) is None


def test_due_and_not_out_lists_the_earliest_due_first_and_follows_a_changed_date(db, client, office, users, auth):
    dispatcher = users["dispatcher"]
    later = received(office, dispatcher, due_date=TODAY, applicant_name="Hạn Hôm Nay")
    earlier = factories.shipment(office, due_date=TODAY - timedelta(days=2), applicant_name="Quá Hạn Hai Ngày")
    failed = received(office, dispatcher, due_date=TODAY - timedelta(days=1), applicant_name="Lần Trước Vắng")
    for action in (Action.ASSIGN, Action.DISPATCH, Action.FAIL):
        custody.apply(failed, action, max_attempts=3, courier=users["courier"])
    gone = received(office, dispatcher, due_date=TODAY - timedelta(days=5), applicant_name="Đang Đi Phát")
    for action in (Action.ASSIGN, Action.DISPATCH):
        custody.apply(gone, action, max_attempts=3, courier=users["courier"])
    not_yet = factories.shipment(office, due_date=TODAY + timedelta(days=1), applicant_name="Hạn Ngày Mai")
    factories.shipment(elsewhere(db)["office"], due_date=TODAY - timedelta(days=9))
    db.session.commit()
    auth.login(dispatcher.username)
    assert due_list(client) == [link(earlier), link(failed), link(later)]
    # The agency brings tomorrow's due date forward to yesterday.
    not_yet.dossier.due_date = TODAY - timedelta(days=1)
    db.session.commit()
    assert due_list(client) == [link(earlier), link(failed), link(not_yet), link(later)]


def test_the_failures_queue_shows_the_weeks_failed_and_flagged_visits_newest_first(db, client, office, users, auth):
    now = datetime.now(timezone.utc)

    def visit(outcome, hours_ago, office=office, flagged=None):
        shipment = factories.shipment(office, applicant_name=f"Khách {uuid.uuid4().hex[:6]}")
        db.session.add(Attempt(client_id=uuid.uuid4(), shipment=shipment, courier=users["courier"],
                               outcome=outcome, failure_reason="absent" if outcome is Outcome.FAILED else None,
                               captured_at=now - timedelta(hours=hours_ago),
                               received_at=now - timedelta(hours=hours_ago), flagged_reason=flagged,
                               content_digest="0" * 64))
        return shipment

    failed = visit(Outcome.FAILED, 2)
    flagged = visit(Outcome.DELIVERED, 1, flagged="shipment_cancelled")
    older_failed = visit(Outcome.FAILED, 30)
    visit(Outcome.DELIVERED, 3)                       # a plain hand-over: nothing to look at
    visit(Outcome.FAILED, 24 * 8)                     # over a week ago
    visit(Outcome.FAILED, 1, office=elsewhere(db)["office"])    # another office's
    db.session.commit()
    auth.login(users["dispatcher"].username)
    html = client.get("/dispatch/").get_data(as_text=True)
    queue = html.split('class="list concerns"', 1)[1].split("</table>", 1)[0]
    assert SHIPMENT_LINK.findall(queue) == [link(flagged), link(failed), link(older_failed)]
    assert "concern-flagged" in queue and queue.count("concern-failed") == 2


def board_statements(db, office) -> dict[str, tuple]:
    """The board's queries for the two lists, as it sends them, with their parameters."""
    with statements_sent(db.engine) as sent:
        board.office_summary(office.id)
    return {"due": next(s for s in sent if "shipment.due_date <=" in s[0]),
            "visits": next(s for s in sent if s[0].lstrip().startswith("SELECT attempt."))}


@pytest.mark.parametrize("query, index", [("due", "ix_shipment_due_not_out"), ("visits", "ix_attempt_needs_a_look")])
def test_each_list_is_read_from_its_partial_index_on_sqlite(db, office, query, index):
    """What keeps the board fast at a million shipments (bench/dispatch.py). SQLite uses a partial
    index only when the query's WHERE repeats the index's, so how the board writes it decides."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL proves the index's WHERE from the query's however it is written, and "
                    "what its planner picks on a near-empty table says nothing: make bench measures it")
    statement, parameters = board_statements(db, office)[query]
    with db.engine.connect() as connection:
        plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    assert f"USING INDEX {index}" in plan, plan


def test_migration_0011_copies_the_due_dates_and_downgrades(migration_app):
    from courier.extensions import db

    with migration_app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                                    "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
            old_dossiers(connection, [{"applicant_name": "An", "applicant_name_folded": "an", "due_date": due}
                                      for due in ("2026-11-20", None)])
            for n in (1, 2):
                connection.execute(text(
                    "INSERT INTO shipment (id, public_id, dossier_id, direction, state, attempts_count,"
                    " post_office_id, created_at, updated_at) VALUES (:id, :uuid, :id, 'deliver_result', 'received',"
                    " 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                    {"id": n, "uuid": f"00000000-0000-0000-0000-00000000000{n}"})
        upgrade(revision="0011")
        with db.engine.connect() as connection:
            copied = connection.execute(text("SELECT id, due_date FROM shipment ORDER BY id")).all()
        assert [(n, due and str(due)) for n, due in copied] == [(1, "2026-11-20"), (2, None)]
        assert "ix_shipment_due_not_out" in {i["name"] for i in inspect(db.engine).get_indexes("shipment")}
        downgrade(revision="0010")
        assert "due_date" not in {c["name"] for c in inspect(db.engine).get_columns("shipment")}
        assert "ix_attempt_needs_a_look" not in {i["name"] for i in inspect(db.engine).get_indexes("attempt")}
        with db.engine.connect() as connection:   # the shipments are still there
            assert connection.execute(text("SELECT count(*) FROM shipment")).scalar() == 2
        db.engine.dispose()


# -- Marking a concern handled ------------------------------------------------------------------

def queue(client) -> list[str]:
    """The concerns listed on the board, by their row's reference ("event:…" or "visit:…")."""
    return re.findall(r'data-concern="([^"]+)"', client.get("/dispatch/").get_data(as_text=True))


def resolve(client, concern: str, note: str | None):
    kind, ref = concern.split(":", 1)
    url = f"/dispatch/concerns/{'disputes' if kind == 'event' else 'visits'}/{ref}/resolve"
    return client.post(url, data={"note": note, "csrf_token": csrf(client)} if note is not None else
                       {"csrf_token": csrf(client)})


@pytest.fixture
def disputed(app, db, client, office, users, auth):
    """A delivered shipment whose citizen said, through their link, that it never came."""
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    prove(client, token)
    page = client.get(f"/t/{token}").get_data(as_text=True)
    client.post(f"/t/{token}/dispute", data={"comment": "Tôi chưa nhận được", "csrf_token": csrf_token_from(page)})
    auth.login(users["dispatcher"].username)
    return shipment


def resolutions(db):
    return db.session.execute(db.select(Event).filter_by(action="concern_resolved")).scalars().all()


def test_a_handled_report_leaves_the_queue_and_stays_in_the_shipments_trail(db, client, disputed):
    [concern] = queue(client)
    response = resolve(client, concern, "  Đã gọi cho người dân, hẹn phát lại chiều nay  ")
    assert response.status_code == 302 and response.headers["Location"] == "/dispatch/"
    board_html = client.get("/dispatch/").get_data(as_text=True)
    assert "Đã ghi nhận việc đã xử lý" in board_html and queue(client) == []
    [event] = resolutions(db)
    dispute = db.session.execute(db.select(Event).filter_by(action="citizen_disputed")).scalar_one()
    assert event.details == {"concern": "citizen_disputed", "event_id": dispute.id,
                             "note": "Đã gọi cho người dân, hẹn phát lại chiều nay"}
    assert event.to_state is None and db.session.get(Shipment, disputed.id).state == "delivered"
    trail = client.get(f"/dispatch/shipments/{disputed.public_id}").get_data(as_text=True)
    handled = trail.split("Điều phối viên đánh dấu đã xử lý", 1)[1].split("</li>", 1)[0]
    assert "Việc:</span> Người dân báo chưa nhận được" in handled
    assert "Ghi chú:</span> Đã gọi cho người dân, hẹn phát lại chiều nay" in handled


@pytest.mark.parametrize("note, error", [
    (None, "Hãy ghi ngắn gọn đã xử lý thế nào."), ("   ", "Hãy ghi ngắn gọn đã xử lý thế nào."),
    ("Đã gọi " * 72, "Ghi chú dài quá 500 ký tự: hãy viết ngắn lại."),
])
def test_a_missing_or_too_long_note_is_refused_and_what_was_typed_is_kept(db, client, disputed, note, error):
    [concern] = queue(client)
    response = resolve(client, concern, note)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and error in html
    row = html.split(f'data-concern="{concern}"', 1)[1].split("</tr>", 1)[0]
    assert '<details class="resolve" open>' in row and error in row
    if note and note.strip():
        assert f">{note}</textarea>" in row
    assert resolutions(db) == [] and queue(client) == [concern]


def test_another_offices_dispatcher_cannot_mark_it_handled(db, client, disputed, auth):
    [concern] = queue(client)
    other = elsewhere(db)
    auth.login(other["dispatcher"].username)
    assert resolve(client, concern, "Không phải của tôi").status_code == 404
    registered = db.session.execute(db.select(Event).filter_by(shipment_id=disputed.id, action="register")).scalar()
    assert resolve(client, f"event:{registered.id}", "Không phải khiếu nại").status_code == 404
    assert resolutions(db) == []


def test_resolving_twice_records_once_and_a_new_report_shows_again(db, client, disputed):
    [concern] = queue(client)
    assert resolve(client, concern, "Đã xử lý").status_code == 302
    assert resolve(client, concern, "Bấm lần nữa").status_code == 302
    assert "đã được đánh dấu đã xử lý trước đó" in client.get("/dispatch/").get_data(as_text=True)
    assert len(resolutions(db)) == 1 and queue(client) == []
    again = custody.note(db.session.get(Shipment, disputed.id), "citizen_disputed", actor_label="citizen",
                         details={"comment": "Vẫn chưa nhận"})
    db.session.commit()
    assert queue(client) == [f"event:{again.id}"]


def test_a_flagged_visit_is_handled_alone_by_its_client_id(db, client, office, users, auth):
    shipment = factories.shipment(office)
    now = datetime.now(timezone.utc)
    visits = [Attempt(client_id=uuid.uuid4(), shipment=shipment, courier=users["courier"], outcome=outcome,
                      failure_reason="absent" if outcome is Outcome.FAILED else None,
                      flagged_reason=None if outcome is Outcome.FAILED else "shipment_cancelled",
                      captured_at=now - timedelta(hours=h), received_at=now - timedelta(hours=h),
                      content_digest="0" * 64)
              for outcome, h in ((Outcome.FAILED, 2), (Outcome.DELIVERED, 1))]
    db.session.add_all(visits)
    db.session.commit()
    auth.login(users["dispatcher"].username)
    failed, flagged = (f"visit:{v.client_id}" for v in visits)
    assert queue(client) == [flagged, failed]
    assert resolve(client, flagged, "Đã kiểm tra với bưu tá").status_code == 302
    assert queue(client) == [failed]
    [event] = resolutions(db)
    assert event.details["client_id"] == str(visits[1].client_id) and event.details["concern"] == "flagged"
