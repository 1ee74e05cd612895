"""An agency's key files results under its own numbers only, and a leaked key can be revoked."""
from courier.services.agency_keys import issue_api_key
from tests import factories

DOSSIER = {"procedure_name": "Cấp phiếu lý lịch tư pháp", "applicant_name": "Nguyễn Văn An",
           "applicant_phone": "0905111222", "street": "12 Phan Châu Trinh", "ward": "Phường Tam Kỳ",
           "province": "48", "due_date": "2026-12-31"}


def test_a_key_cannot_push_another_agencys_code(client, db, office):
    ours = factories.agency("000.00.17.H47")
    ours.post_office = office
    key = issue_api_key(ours)
    db.session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    theirs = client.post("/api/v1/dossiers", json=DOSSIER | {"code": "000.00.17.H17-261127-0001"}, headers=headers)
    assert theirs.status_code == 422
    assert [(e["field"], e["code"]) for e in theirs.json["errors"]] == [("code", "prefix_not_agency")]
    mine = client.post("/api/v1/dossiers", json=DOSSIER | {"code": "000.00.17.H47-261127-0001"}, headers=headers)
    assert mine.status_code == 201, mine.json


def test_a_leaked_key_is_revoked_and_the_other_keeps_working(app, client, db, office):
    agency = factories.agency()
    agency.post_office = office
    leaked, kept = issue_api_key(agency), issue_api_key(agency)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["revoke-api-key", "--agency", agency.code, "--key", leaked[:15]])
    assert result.exit_code == 0 and "Đã thu hồi 1 khóa API" in result.output
    assert client.get("/api/v1/dossiers/x", headers={"Authorization": f"Bearer {leaked}"}).status_code == 401
    assert client.get("/api/v1/dossiers/x", headers={"Authorization": f"Bearer {kept}"}).status_code == 404
    again = runner.invoke(args=["revoke-api-key", "--agency", agency.code, "--key", leaked[:15]])
    assert again.exit_code != 0 and "Không có khóa nào" in again.output


def test_a_key_stops_working_when_it_expires(app, client, db, office):
    from datetime import timedelta

    from courier.models import ApiKey
    from courier.models.types import utcnow

    agency = factories.agency()
    agency.post_office = office
    result = app.test_cli_runner().invoke(args=["create-api-key", "--agency", agency.code, "--days", "30"])
    assert result.exit_code == 0 and "dùng được 30 ngày" in result.output
    key = result.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/dossiers/x", headers=headers).status_code == 404  # works: no such dossier
    stored = db.session.execute(db.select(ApiKey)).scalar_one()
    assert timedelta(days=29) < stored.expires_at - utcnow() <= timedelta(days=30)
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/dossiers/x", headers=headers).status_code == 401
