"""Agencies push dossiers with an API key, idempotently, and read their status."""
import pytest

from courier.domain.tokens import token_hash
from courier.models import ApiKey, Dossier, Shipment
from courier.services.agency_api import issue_api_key
from tests import factories

DOSSIER = {
    "code": "000.00.17.H47-261127-0042", "procedure_name": "Cấp phiếu lý lịch tư pháp",
    "applicant_name": "Đỗ Thị Lan", "applicant_phone": "0905111222", "street": "3 Lê Lợi",
    "ward": "Phường Tam Kỳ", "province": "48", "due_date": "2026-11-30",
    "fee_agency": 200000, "fee_postage": 25000,
}


@pytest.fixture
def agency(db, office):
    made = factories.agency()
    made.post_office = office
    key = issue_api_key(made)
    db.session.commit()
    return made, {"Authorization": f"Bearer {key}"}


def test_a_pushed_dossier_becomes_a_registered_shipment_with_a_citizen_link(db, client, agency):
    _, headers = agency
    response = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["state"] == "registered" and body["dossier_code"] == DOSSIER["code"]
    token = body["citizen_link"].rsplit("/t/", 1)[1]
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert shipment.citizen_token_hash == token_hash(token)
    assert client.get(f"/t/{token}").status_code == 200


def test_pushing_the_same_dossier_again_changes_nothing(db, client, agency):
    _, headers = agency
    first = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    second = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["shipment_id"] == first.json["shipment_id"] and second.json["citizen_link"] is None
    assert len(db.session.execute(db.select(Dossier)).scalars().all()) == 1


def test_an_invalid_dossier_gets_every_problem_in_vietnamese(db, client, agency):
    _, headers = agency
    bad = dict(DOSSIER, code="HS-1", applicant_phone="123", ward="Phường Không Có")
    response = client.post("/api/v1/dossiers", json=bad, headers=headers)
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"code", "applicant_phone", "ward"}
    assert "Số điện thoại không đúng" in response.json["fields"]["applicant_phone"]
    assert db.session.execute(db.select(Dossier)).first() is None


def test_a_malformed_body_is_refused_by_the_schema(client, agency):
    _, headers = agency
    assert client.post("/api/v1/dossiers", json={"code": 5}, headers=headers).status_code == 422
    assert client.post("/api/v1/dossiers", json=dict(DOSSIER, fee_agency=-1), headers=headers).status_code == 422
    assert client.post("/api/v1/dossiers", json=dict(DOSSIER, surprise=1), headers=headers).status_code == 422


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer ck_nothing_here", "Basic abc"])
def test_no_or_a_wrong_key_is_refused(client, agency, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    assert response.status_code == 401 and response.json["error"] == "unauthorised"


def test_a_revoked_key_is_refused(db, client, agency):
    _, headers = agency
    from courier.models.types import utcnow

    db.session.execute(db.select(ApiKey)).scalar_one().revoked_at = utcnow()
    db.session.commit()
    assert client.post("/api/v1/dossiers", json=DOSSIER, headers=headers).status_code == 401


def test_keys_are_stored_only_as_hashes(db, agency):
    _, headers = agency
    key = headers["Authorization"].split(" ", 1)[1]
    stored = db.session.execute(db.select(ApiKey)).scalar_one()
    assert key.split("_", 2)[2] not in (stored.key_hash + stored.prefix)


def test_an_agency_sees_only_its_own_dossiers(db, client, agency, office):
    _, headers = agency
    client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    other = factories.agency("000.00.18.H47")
    other.post_office = office
    other_headers = {"Authorization": f"Bearer {issue_api_key(other)}"}
    db.session.commit()
    assert client.get(f"/api/v1/dossiers/{DOSSIER['code']}", headers=other_headers).status_code == 404
    mine = client.get(f"/api/v1/dossiers/{DOSSIER['code']}", headers=headers)
    assert mine.status_code == 200 and [e["action"] for e in mine.json["events"]] == ["register"]


def test_the_api_is_published_as_openapi_3_from_the_code(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/webhook"} <= set(spec["paths"])
    required = set(spec["components"]["schemas"]["DossierIn"]["required"])
    assert {"code", "applicant_name", "ward", "province"} <= required
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/dossiers" in page and "DossierIn" in page
