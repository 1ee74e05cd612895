"""The hand-over record and the cash counted in are chained: an edit in the database is named by `verify`.

Issue #17: a delivered attempt's recipient, ID tail, fees, place and time, or a hand-in's amount,
edited with SQL, must make `flask verify` fail naming the record; an erasure under Decree 13
must not.
"""
import uuid
from datetime import datetime

import pytest
from sqlalchemy import text

from courier.domain.formatting import local_today
from courier.ledger import chain
from courier.models import Attempt, AuditViolation, CashHandIn
from tests import factories
from tests.attempts import delivered, post
from tests.integration.dispatch_support import post as post_form
from tests.integration.race_support import courier_clients, out_for_delivery, race


@pytest.fixture
def handed_over(db, courier_client, on_round):
    """A delivered attempt made through the courier's sync API, as the phone makes it."""
    response = post(courier_client, delivered(on_round))
    assert response.status_code == 201, response.json
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalar_one()


def run_verify(app):
    return app.test_cli_runner().invoke(args=["verify"])


def test_a_hand_over_verifies_untouched(app, handed_over):
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "attempt: 1 " in result.output and "proof: 2 " in result.output


def test_the_issue_s_edit_of_a_delivered_hand_over_is_named_by_verify(app, db, handed_over):
    db.session.execute(text(
        "UPDATE attempt SET recipient_name = 'Someone Else', id_tail_masked = '********9999',"
        " fee_agency_collected = 0, fee_postage_collected = 0, latitude = 10.0, longitude = 106.0,"
        " captured_at = :at WHERE id = :id"), {"at": datetime(2026, 1, 1, 8, 0), "id": handed_over.id})
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"attempt: LỖI / PROBLEM modified at #1 (id {handed_over.id})" in result.output


# Each column a receipt, a report, the reconciliation or the dispatcher shows, and a new value for it.
EDITS = {
    "outcome": "failed", "failure_reason": "absent", "note": "ghi chú khác", "captured_at": datetime(2026, 1, 1),
    "received_at": datetime(2026, 1, 1), "latitude": 10.0, "longitude": 106.0, "gps_accuracy_m": 999.0,
    "recipient_name": "Someone Else", "recipient_relationship": "authorised", "authorised_relationship": "con trai",
    "id_check": "overridden", "id_tail_masked": "********9999", "override_reason": "quen", "fee_agency_collected": 0,
    "fee_postage_collected": 0, "payment_method": "transfer", "flagged_reason": "reassigned",
    "consent_version": "2020-01", "content_digest": "f" * 64, "personal_digest": "e" * 64,
    "personal_salt": "a" * 32, "client_id": uuid.uuid4().hex,
}


def test_an_edit_of_any_column_shown_anywhere_is_caught_and_undoing_it_verifies_again(db, office, users,
                                                                                       handed_over):
    other = factories.shipment(office)
    db.session.commit()
    edits = EDITS | {"shipment_id": other.id, "courier_id": users["dispatcher"].id}
    original = db.session.execute(text("SELECT * FROM attempt WHERE id = :id"), {"id": handed_over.id}).mappings().one()
    caught = []
    for column, value in edits.items():
        _set(db, handed_over.id, column, value)
        report = chain.verify(db.session, "attempt")
        caught.append((column, report.problem, report.record_id))
        _set(db, handed_over.id, column, original[column])
        assert chain.verify(db.session, "attempt").ok, column
    assert caught == [(column, "modified", handed_over.id) for column in edits]


def _set(db, attempt_id, column, value):
    db.session.execute(text(f"UPDATE attempt SET {column} = :value WHERE id = :id"), {"value": value, "id": attempt_id})
    db.session.commit()


def test_an_edited_cash_hand_in_is_named_by_verify(app, db, users, client, auth):
    auth.login(users["dispatcher"].username)
    response = post_form(client, "/dispatch/reports/cash", {
        "courier": users["courier"].id, "handed_on": local_today().isoformat(), "amount": "225.000"})
    assert response.status_code == 302
    entry = db.session.execute(db.select(CashHandIn)).scalar_one()
    assert run_verify(app).exit_code == 0
    db.session.execute(text("UPDATE cash_hand_in SET amount = 250000 WHERE id = :id"), {"id": entry.id})
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"cash: LỖI / PROBLEM modified at #1 (id {entry.id})" in result.output


def test_an_erasure_under_decree_13_verifies_and_leaves_nothing_to_match_a_name_against(app, db, handed_over):
    code = handed_over.shipment.dossier.code
    erased = app.test_cli_runner().invoke(args=["citizen-data", "erase", "--dossier", code, "--yes"])
    assert erased.exit_code == 0, erased.output
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert chain.verify(db.session, "attempt").erased == 1
    row = db.session.execute(text("SELECT recipient_name, id_tail_masked, latitude, personal_salt FROM attempt")).one()
    assert tuple(row) == ("(đã xóa)", None, None, None)


def test_an_erasure_nobody_recorded_is_not_taken_for_one(app, db, handed_over):
    # Someone hides the recipient by making the attempt look erased, with no custody event saying so.
    db.session.execute(text("UPDATE attempt SET recipient_name = '(đã xóa)', id_tail_masked = NULL, latitude = NULL,"
                            " longitude = NULL, gps_accuracy_m = NULL, personal_salt = NULL"))
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"attempt: LỖI / PROBLEM erased_unrecorded at #1 (id {handed_over.id})" in result.output


def test_a_name_written_back_after_an_erasure_is_caught(app, db, handed_over):
    code = handed_over.shipment.dossier.code
    assert app.test_cli_runner().invoke(args=["citizen-data", "erase", "--dossier", code, "--yes"]).exit_code == 0
    db.session.execute(text("UPDATE attempt SET recipient_name = 'Someone Else'"))
    db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1 and "attempt: LỖI / PROBLEM modified at #1" in result.output


def test_the_app_refuses_to_change_a_sealed_hand_over_or_hand_in(db, users, handed_over):
    # A flag or a sum is corrected by a new record, never by an edit the chain would then report.
    handed_over.flagged_reason = None if handed_over.flagged_reason else "reassigned"
    with pytest.raises(AuditViolation):
        db.session.commit()
    db.session.rollback()
    db.session.add(CashHandIn(post_office_id=users["courier"].post_office_id, courier=users["courier"],
                              handed_on=local_today(), amount=100_000, received_by=users["dispatcher"]))
    db.session.commit()
    entry = db.session.execute(db.select(CashHandIn)).scalar_one()
    entry.amount = 1
    with pytest.raises(AuditViolation):
        db.session.commit()
    db.session.rollback()
    assert all(chain.verify(db.session, name).ok for name in chain.CHAINS)


def test_concurrent_hand_overs_join_every_chain_in_order(app, db, office, users):
    shipments = out_for_delivery(db, office, users["courier"], 4)
    answers = race(app, courier_clients(app, users["courier"], len(shipments)),
                   [lambda phone, shipment=shipment: post(phone, delivered(shipment)) for shipment in shipments])
    assert [answer.status_code for answer in answers] == [201] * len(shipments)
    reports = {name: chain.verify(db.session, name) for name in chain.CHAINS}
    assert all(report.ok for report in reports.values()), reports
    assert reports["attempt"].checked == len(shipments) and reports["proof"].checked == 2 * len(shipments)


def test_migration_0022_seals_the_attempts_and_hand_ins_already_recorded(migration_app):
    from flask_migrate import downgrade, upgrade

    from courier.extensions import db
    from tests.integration.migration_support import old_shipments

    with migration_app.app_context():
        upgrade(revision="0021")
        with db.engine.begin() as connection:
            _old_hand_overs_and_cash(connection, old_shipments)
        upgrade(revision="0022")
        reports = {name: chain.verify(db.session, name) for name in ("attempt", "cash")}
        # The chain goes on from the sealed backlog, and what was sealed is what was there.
        db.session.add(CashHandIn(post_office_id=1, courier_id=1, handed_on=local_today(), amount=5_000,
                                  received_by_id=2))
        db.session.commit()
        after_a_new_one = chain.verify(db.session, "cash").checked
        db.session.execute(text("UPDATE attempt SET recipient_name = 'Someone Else' WHERE id = 1"))
        db.session.commit()
        edited = chain.verify(db.session, "attempt")
        db.session.remove()
        downgrade(revision="0021")
        with db.engine.connect() as connection:
            kept = connection.execute(text("SELECT count(*) FROM attempt")).scalar()
        db.engine.dispose()
    assert [(r.problem, r.checked, r.erased) for r in reports.values()] == [(None, 2, 1), (None, 2, 0)]
    assert after_a_new_one == 3
    assert (edited.problem, edited.record_id) == ("modified", 1)
    assert kept == 2


def _old_hand_overs_and_cash(connection, old_shipments):
    """As 0021 held them: two delivered results, the second's citizen data already erased, two hand-ins."""
    connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                            "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
    connection.execute(text(
        "INSERT INTO user_account (id, username, full_name, role, post_office_id, password_hash, active, created_at)"
        " VALUES (1, 'bao', 'Bảo', 'courier', 1, 'x', :yes, '2026-01-01 00:00:00'),"
        " (2, 'lan', 'Lan', 'dispatcher', 1, 'x', :yes, '2026-01-01 00:00:00')"), {"yes": True})
    old_shipments(connection, ["delivered", "delivered"])
    for n, name, tail, latitude in ((1, "Trần Thị Bích Ngọc", "********1234", 15.5731), (2, "(đã xóa)", None, None)):
        connection.execute(text(
            "INSERT INTO attempt (id, client_id, shipment_id, courier_id, outcome, captured_at, received_at,"
            " latitude, longitude, recipient_name, recipient_relationship, id_check, id_tail_masked,"
            " fee_agency_collected, fee_postage_collected, payment_method, consent_version, content_digest)"
            " VALUES (:n, :client, :n, 1, 'delivered', '2026-01-02 03:04:05.123456', '2026-01-02 03:10:00', :lat,"
            " :lon, :name, 'applicant', 'matched', :tail, 200000, 25000, 'cash', '2026-11', :digest)"),
            {"n": n, "client": uuid.UUID(int=n).hex, "lat": latitude, "lon": latitude and 108.4745,
             "name": name, "tail": tail, "digest": str(n) * 64})
    connection.execute(text("INSERT INTO event (shipment_id, actor_label, action, created_at, details)"
                            " VALUES (2, 'admin-cli', 'citizen_data_erased', '2026-02-01 00:00:00', '{}')"))
    connection.execute(text(
        "INSERT INTO cash_hand_in (post_office_id, courier_id, handed_on, amount, note, received_by_id, created_at)"
        " VALUES (1, 1, '2026-01-02', 225000, NULL, 2, '2026-01-02 10:00:00'),"
        " (1, 1, '2026-01-02', -25000, 'đếm nhầm', 2, '2026-01-02 10:05:00')"))
