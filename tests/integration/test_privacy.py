"""Decree 13: consent recorded, media purged after retention, one citizen's data exported or erased."""
import json
from datetime import timedelta

from sqlalchemy import text

from courier.domain.storage import MediaStore
from courier.models import Attempt, Dossier, Event, Proof
from courier.models.types import utcnow
from tests.attempts import delivered, post


def _hand_over(courier_client, on_round, **changes):
    response = post(courier_client, delivered(on_round, **changes))
    assert response.status_code == 201, response.json
    return response


def test_the_consent_shown_at_signature_is_recorded_with_the_attempt(db, courier_client, on_round):
    _hand_over(courier_client, on_round)
    assert db.session.execute(db.select(Attempt)).scalar_one().consent_version == "2026-11"


def test_a_hand_over_without_the_consent_version_is_refused(db, courier_client, on_round):
    body = delivered(on_round)
    del body["consent_version"]
    response = post(courier_client, body)
    assert response.status_code == 422 and "consent_version" in response.json["fields"]
    assert db.session.execute(db.select(Attempt)).first() is None


def test_media_past_retention_is_purged_but_the_chain_still_verifies(app, db, courier_client, on_round,
                                                                     monkeypatch):
    _hand_over(courier_client, on_round)
    store = MediaStore(app.config["MEDIA_DIR"])
    proofs = db.session.execute(db.select(Proof)).scalars().all()
    assert all(store.exists(p.sha256) for p in proofs)
    runner = app.test_cli_runner()
    assert "0 tệp" in runner.invoke(args=["purge-media"]).output  # not old enough yet
    # A day past the retention period (the attempt itself is chained: its time is not edited).
    later = utcnow() + timedelta(days=app.config["MEDIA_RETENTION_DAYS"] + 1)
    monkeypatch.setattr("courier.services.privacy.utcnow", lambda: later)
    assert "2 tệp" in runner.invoke(args=["purge-media"]).output
    db.session.expire_all()
    proofs = db.session.execute(db.select(Proof)).scalars().all()
    assert all(p.purged_at for p in proofs) and not any(store.exists(p.sha256) for p in proofs)
    verify = runner.invoke(args=["verify"])
    assert verify.exit_code == 0, verify.output


def test_one_citizens_data_is_exported_and_the_export_is_recorded(app, db, courier_client, on_round):
    _hand_over(courier_client, on_round)
    code = on_round.dossier.code
    result = app.test_cli_runner().invoke(args=["citizen-data", "export", "--dossier", code])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert exported["dossier"]["applicant_name"] == "Trần Thị Bích Ngọc"
    assert exported["shipments"][0]["attempts"][0]["proofs"]
    assert db.session.execute(db.select(Event).filter_by(action="citizen_data_exported")).first()


def test_one_citizens_data_is_erased_and_the_audit_trail_still_verifies(app, db, courier_client, on_round):
    _hand_over(courier_client, on_round)
    code = on_round.dossier.code
    runner = app.test_cli_runner()
    result = runner.invoke(args=["citizen-data", "erase", "--dossier", code, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
    attempt = db.session.execute(db.select(Attempt)).scalar_one()
    assert dossier.applicant_name == "(đã xóa)" and dossier.applicant_phone is None
    assert attempt.recipient_name == "(đã xóa)" and attempt.latitude is None and attempt.id_tail_masked is None
    store = MediaStore(app.config["MEDIA_DIR"])
    assert not any(store.exists(p.sha256) for p in attempt.proofs)
    assert db.session.execute(db.select(Event).filter_by(action="citizen_data_erased")).first()
    dump = " ".join(str(v) for t in ("dossier", "attempt") for r in db.session.execute(text(f"SELECT * FROM {t}")) for v in r)
    assert "Bích Ngọc" not in dump and "0905123456" not in dump
    assert runner.invoke(args=["verify"]).exit_code == 0
