"""An agency lists the dossiers the post office brings it, acknowledges them, or sends one back."""
import pytest

from courier.domain.formatting import local_today
from courier.domain.states import Direction, State
from courier.models import Event, Shipment
from courier.services.agency_keys import issue_api_key
from tests import factories
from tests.integration.pickup_support import in_transit
from tests.integration.race_support import race
from tests.integration.test_agency_api import agency, problems_of  # noqa: F401 (agency: a fixture)

CODE = "000.00.17.H47-261203-0042"


@pytest.fixture
def coming(db, office, users, agency):
    shipment = in_transit(db, office, users["courier"], users["dispatcher"])
    db.session.commit()
    return shipment


def promise(days=14) -> str:
    return local_today().fromordinal(local_today().toordinal() + days).isoformat()


def test_the_agency_lists_what_is_on_its_way_with_the_batch_it_came_on(client, agency, coming):
    _, headers = agency
    listed = client.get("/api/v1/incoming", headers=headers)
    assert listed.status_code == 200
    [dossier] = listed.json["dossiers"]
    assert dossier["shipment_id"] == str(coming.public_id) and dossier["reference"] == coming.dossier.code
    assert (dossier["procedure_code"], dossier["pages"], dossier["state"]) == ("1.001193", 4, "in_transit")
    assert dossier["batch"] == str(coming.pickup.batch.public_id) and dossier["official_code"] is None


def test_acknowledging_records_the_official_code_and_date_once(db, client, agency, coming):
    _, headers = agency
    url = f"/api/v1/incoming/{coming.public_id}/acknowledge"
    answer = client.post(url, json={"official_code": CODE, "promised_date": promise()}, headers=headers)
    assert answer.status_code == 200, answer.json
    assert (answer.json["state"], answer.json["official_code"], answer.json["promised_date"]) == \
        ("at_agency", CODE, promise())
    assert client.get("/api/v1/incoming", headers=headers).json["dossiers"] == []
    again = client.post(url, json={"official_code": CODE, "promised_date": promise()}, headers=headers)
    assert again.status_code == 409 and again.json["error"] == "not_incoming"
    events = db.session.execute(db.select(Event).filter_by(shipment_id=coming.id, action="acknowledge")).scalars()
    assert [event.actor_label for event in events] == ["agency:000.00.17.H47"]


def test_a_bad_acknowledgement_gets_every_problem_in_vietnamese(db, client, agency, coming):
    _, headers = agency
    url = f"/api/v1/incoming/{coming.public_id}/acknowledge"
    answer = client.post(url, json={"official_code": "000.00.99.H47-261203-0042", "promised_date": "2020-01-01"},
                         headers=headers)
    assert answer.status_code == 422
    assert problems_of(answer) == {"official_code": "Mã hồ sơ không bắt đầu bằng mã của cơ quan.",
                                   "promised_date": "Ngày hẹn trả không được trước hôm nay."}
    wrong = client.post(url, json={"official_code": 42, "extra": 1}, headers=headers)
    assert wrong.status_code == 422 and {"official_code", "promised_date", "extra"} <= set(problems_of(wrong))
    db.session.refresh(coming)
    assert coming.state is State.IN_TRANSIT


def test_an_official_code_already_given_to_another_dossier_is_refused(db, client, office, users, agency, coming):
    _, headers = agency
    other = in_transit(db, office, users["courier"], users["dispatcher"])
    db.session.commit()
    body = {"official_code": CODE, "promised_date": promise()}
    assert client.post(f"/api/v1/incoming/{coming.public_id}/acknowledge", json=body, headers=headers).status_code == 200
    refused = client.post(f"/api/v1/incoming/{other.public_id}/acknowledge", json=body, headers=headers)
    assert refused.status_code == 409 and refused.json["error"] == "official_code_taken"


def test_returning_for_supplement_sends_the_papers_back_to_the_citizen(db, client, agency, coming):
    _, headers = agency
    answer = client.post(f"/api/v1/incoming/{coming.public_id}/return",
                         json={"reason": "Thiếu bản sao CCCD có chứng thực"}, headers=headers)
    assert answer.status_code == 200 and answer.json["state"] == "returned_for_supplement"
    back = db.session.execute(db.select(Shipment).filter_by(dossier_id=coming.dossier_id,
                                                            direction=Direction.DELIVER_RESULT)).scalar_one()
    assert back.state is State.REGISTERED and back.post_office_id == coming.post_office_id
    first = db.session.execute(db.select(Event).filter_by(shipment_id=back.id)).scalar_one()
    assert first.details == {"supplement_of": str(coming.public_id), "reason": "Thiếu bản sao CCCD có chứng thực"}
    empty = client.post(f"/api/v1/incoming/{coming.public_id}/return", json={"reason": " "}, headers=headers)
    assert empty.status_code == 422 and problems_of(empty) == {"reason": "Bắt buộc phải có."}


def test_another_agency_sees_nothing_of_these_dossiers(db, client, office, agency, coming):
    stranger = factories.agency("000.00.22.H47")
    stranger.post_office = office
    headers = {"Authorization": f"Bearer {issue_api_key(stranger)}"}
    db.session.commit()
    assert client.get("/api/v1/incoming", headers=headers).json == {"dossiers": []}
    for action, body in (("acknowledge", {"official_code": "000.00.22.H47-261203-0001", "promised_date": promise()}),
                         ("return", {"reason": "Không phải của chúng tôi"})):
        answer = client.post(f"/api/v1/incoming/{coming.public_id}/{action}", json=body, headers=headers)
        assert answer.status_code == 404 and answer.json["error"] == "not_found"
    db.session.refresh(coming)
    assert coming.state is State.IN_TRANSIT


@pytest.mark.parametrize("path", ["/api/v1/incoming", "/api/v1/incoming/x/acknowledge"])
def test_no_key_no_answer(client, path):
    answer = client.get(path) if path.endswith("incoming") else client.post(path, json={})
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_two_acknowledgements_at_once_record_one(app, db, agency, coming):
    _, headers = agency
    url, day = f"/api/v1/incoming/{coming.public_id}/acknowledge", promise()

    def send(n):
        return lambda client: client.post(url, headers=headers, json={
            "official_code": f"000.00.17.H47-261203-004{n}", "promised_date": day}).status_code

    answers = race(app, [app.test_client(), app.test_client()], [send(0), send(1)])
    assert sorted(answers) == [200, 409]
    assert db.session.execute(db.select(db.func.count()).select_from(Event)
                              .filter_by(shipment_id=coming.id, action="acknowledge")).scalar() == 1


def test_the_incoming_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/incoming", "/api/v1/incoming/{shipment_id}/acknowledge",
            "/api/v1/incoming/{shipment_id}/return"} <= set(spec["paths"])
    assert {"official_code", "promised_date"} <= set(spec["components"]["schemas"]["AcknowledgeIn"]["required"])
    assert "dossier.handed_to_agency" in str(spec["components"]["schemas"]["WebhookEvent"])
