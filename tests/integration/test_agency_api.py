"""Agencies push dossiers with an API key, idempotently, and read their status."""
import pytest

from courier.domain.tokens import token_hash
from courier.models import ApiKey, Dossier, Shipment
from courier.services.agency_keys import issue_api_key
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
    assert shipment.citizen_token_hashes == [token_hash(token)]
    assert [link.source for link in shipment.citizen_links] == ["agency"]
    assert client.get(f"/t/{token}").status_code == 200


def problems_of(response) -> dict:
    """{field: detail} of a problem-details answer, after checking its RFC 9457 shape."""
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert {"type", "title", "status", "detail", "errors"} <= set(body) and body["status"] == response.status_code
    assert "pydantic" not in response.get_data(as_text=True)
    return {entry["field"]: entry["detail"] for entry in body["errors"]}


def test_pushing_the_same_dossier_again_changes_nothing_and_shows_the_link_again(db, client, agency):
    _, headers = agency
    first = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    second = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["shipment_id"] == first.json["shipment_id"]
    assert second.json["citizen_link"] == first.json["citizen_link"]
    assert len(db.session.execute(db.select(Dossier)).scalars().all()) == 1


def test_a_changed_re_push_is_refused_naming_the_fields_that_differ(db, client, agency):
    _, headers = agency
    client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    changed = dict(DOSSIER, applicant_name="Đỗ Thị Lan Anh", fee_agency=250000, ward="Phường Bàn Thạch")
    response = client.post("/api/v1/dossiers", json=changed, headers=headers)
    assert response.status_code == 409
    assert set(problems_of(response)) == {"applicant_name", "fee_agency", "ward"}
    assert DOSSIER["code"] in response.json["detail"]
    kept = db.session.execute(db.select(Dossier)).scalar_one()
    assert (kept.applicant_name, kept.fee_agency) == ("Đỗ Thị Lan", 200000)


def test_the_citizen_link_can_be_fetched_again_and_opens(client, agency):
    _, headers = agency
    link = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers).json["citizen_link"]
    status = client.get(f"/api/v1/dossiers/{DOSSIER['code']}", headers=headers)
    assert status.status_code == 200 and status.json["citizen_link"] == link
    assert client.get("/t/" + link.rsplit("/t/", 1)[1]).status_code == 200


def test_an_invalid_dossier_gets_every_problem_in_vietnamese(db, client, agency):
    _, headers = agency
    bad = dict(DOSSIER, code="HS-1", applicant_phone="123", ward="Phường Không Có")
    response = client.post("/api/v1/dossiers", json=bad, headers=headers)
    assert response.status_code == 422
    found = problems_of(response)
    assert set(found) == {"code", "applicant_phone", "ward"}
    assert "Số điện thoại không đúng" in found["applicant_phone"]
    assert db.session.execute(db.select(Dossier)).first() is None


def test_schema_and_rule_problems_come_back_together_in_one_shape(db, client, agency):
    _, headers = agency
    bad = dict(DOSSIER, fee_agency=-1, surprise=1, applicant_phone="123", ward="Phường Không Có",
               authorised_persons=[{"full_name": ""}])
    del bad["street"]
    response = client.post("/api/v1/dossiers", json=bad, headers=headers)
    assert response.status_code == 422
    found = problems_of(response)
    assert set(found) == {"fee_agency", "surprise", "street", "applicant_phone", "ward",
                          "authorised_persons[0].full_name"}
    assert found["fee_agency"] == "Phải từ 0 trở lên." and found["street"] == "Bắt buộc phải có."
    pointers = {entry["pointer"] for entry in response.json["errors"]}
    assert "#/authorised_persons/0/full_name" in pointers
    assert db.session.execute(db.select(Dossier)).first() is None


@pytest.mark.parametrize("body", [{"code": 5}, [1, 2], "text", None])
def test_a_malformed_body_is_refused_in_the_same_shape(client, agency, body):
    _, headers = agency
    response = client.post("/api/v1/dossiers", json=body, headers=headers)
    assert response.status_code == 422 and problems_of(response)


def test_a_bad_webhook_url_is_a_problem_too(client, agency):
    _, headers = agency
    response = client.put("/api/v1/webhook", json={"url": "not a url"}, headers=headers)
    assert response.status_code == 422 and set(problems_of(response)) == {"url"}


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer ck_nothing_here", "Basic abc"])
def test_no_or_a_wrong_key_is_refused(client, agency, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/dossiers", json=DOSSIER, headers=headers)
    assert response.status_code == 401 and response.json["error"] == "unauthorised"
    assert problems_of(response) == {}


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
    push = spec["paths"]["/api/v1/dossiers"]["post"]
    assert push["requestBody"]["content"]["application/json"]["example"]["code"]
    assert "application/problem+json" in push["responses"]["409"]["content"]
    assert spec["components"]["schemas"]["ProblemOut"]["examples"][0]["errors"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/dossiers" in page and "DossierIn" in page
