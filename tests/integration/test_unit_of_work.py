"""The unit of work's steps run on the app's session, and only there."""
from sqlalchemy.orm import Session

from courier import unit_of_work
from courier.domain.states import State
from courier.models import Shipment
from tests import factories


def test_the_app_s_session_runs_each_step_once_however_many_apps_were_made(app, db):
    session = db.session()
    assert list(session.dispatch.before_flush) == [unit_of_work.before_flush]
    assert list(session.dispatch.after_flush) == [unit_of_work.after_flush]
    assert list(session.dispatch.after_commit) == [unit_of_work.after_commit]
    assert list(session.dispatch.after_rollback) == [unit_of_work.after_rollback]


def test_a_plain_session_as_migrations_and_benches_open_runs_none_of_them(db, office):
    factories.shipment(office)
    db.session.commit()
    with Session(bind=db.engine) as plain:
        assert not any((plain.dispatch.before_flush, plain.dispatch.after_flush, plain.dispatch.after_commit))
        shipment = plain.execute(db.select(Shipment)).scalars().first()
        shipment.state = State.DELIVERED  # no event: the app's session refuses this (test_custody.py)
        plain.flush()
        plain.rollback()
