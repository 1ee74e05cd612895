"""The board's counts per state are kept as shipments move, and always match the shipments."""
from flask_migrate import upgrade
from sqlalchemy import func, text

from courier.ledger import custody, tally
from courier.domain.states import Action
from courier.models import Shipment
from tests import factories
from tests.integration.migration_support import old_shipments


def counted(db, office) -> dict[str, int]:
    rows = db.session.execute(db.select(Shipment.state, func.count()).filter_by(post_office_id=office.id)
                              .group_by(Shipment.state)).all()
    return {str(state): n for state, n in rows}


def kept(db, office) -> dict[str, int]:
    return {state: n for state, n in tally.counts(db.session, office.id).items() if n}


def test_the_tally_follows_every_move_in_every_office_and_forgets_a_rollback(db, office, users):
    other = factories.post_office()
    dispatcher, courier = users["dispatcher"], users["courier"]
    here = [factories.shipment(office) for _ in range(5)]
    there = [factories.shipment(other) for _ in range(2)]
    db.session.commit()
    for shipment in here[:4] + there[:1]:
        custody.apply(shipment, Action.RECEIVE, max_attempts=3, actor=dispatcher)
    db.session.flush()  # several flushes in one transaction
    for shipment in here[:3]:
        custody.apply(shipment, Action.ASSIGN, max_attempts=3, actor=dispatcher)
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=courier)
    custody.apply(here[0], Action.DELIVER, max_attempts=3, actor=courier)
    custody.apply(here[1], Action.FAIL, max_attempts=3, actor=courier)
    custody.note(here[2], "citizen_note", details={"note": "Gọi trước"})  # not a move
    db.session.commit()
    assert kept(db, office) == counted(db, office) == {
        "registered": 1, "received": 1, "out_for_delivery": 1, "delivered": 1, "failed_attempt": 1}
    assert kept(db, other) == counted(db, other) == {"registered": 1, "received": 1}

    custody.apply(here[4], Action.RECEIVE, max_attempts=3, actor=dispatcher)
    db.session.flush()
    db.session.rollback()
    assert kept(db, office) == counted(db, office)


def test_the_board_shows_the_tally(db, client, auth, office, users):
    for _ in range(3):
        factories.shipment(office)
    db.session.commit()
    auth.login(users["dispatcher"].username)
    html = client.get("/dispatch/").get_data(as_text=True)
    assert '<span class="n">3</span><span class="label">Chờ nhận từ cơ quan</span>' in html


def test_migration_0009_counts_the_shipments_already_there(migration_app):
    from courier.extensions import db

    app = migration_app
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                                    "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
            states = ["received", "received", "delivered"]
            old_shipments(connection, states)
        upgrade(revision="0009")
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT state, count FROM shipment_tally")).all())
        db.engine.dispose()
    assert rows == {"received": 2, "delivered": 1}
