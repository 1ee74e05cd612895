"""The citizen asks for a pickup on the public page: saved once, confirmed, and every mistake said."""
import base64
import html
import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from courier.domain.formatting import format_date, local_today
from courier.domain.labels import qr_image
from courier.domain.states import State
from courier.models import Channel, Pickup, Procedure, Shipment
from courier.vocabulary import PICKUP_ERRORS
from tests import factories
from tests.conftest import csrf_token_from

HA_NOI_WARD = 70  # Phường Hoàn Kiếm: a real commune no office of ours serves


@pytest.fixture
def procedure(db, office):
    record = factories.procedure(office)
    db.session.commit()
    return record


def good_form(client, chosen, **changes) -> dict:
    """What a citizen types, with the page's CSRF token; `changes` replace or (None) drop fields."""
    form = {"csrf_token": csrf_token_from(client.get("/pickup").get_data(as_text=True)),
            "procedure": str(chosen.id), "applicant_name": "Lê Thị Hoa", "applicant_phone": "0912 345 678",
            "street": "45 Trần Cao Vân", "ward": str(factories.WARD_TAM_KY),
            "preferred_date": (local_today() + timedelta(days=2)).isoformat(), "preferred_slot": "afternoon",
            "note": "Nhà trong hẻm", "consent": "y"}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def said(app, code: str) -> str:
    """The words the page shows for a rule's error code (in Vietnamese, the default)."""
    with app.test_request_context():
        return str(PICKUP_ERRORS[code])


def saved(db) -> int:
    db.session.expire_all()
    return len(db.session.execute(db.select(Pickup)).scalars().all())


def test_a_good_request_is_saved_once_and_confirmed_with_its_link(db, client, procedure):
    sent = client.post("/pickup", data=good_form(client, procedure))
    assert sent.status_code == 303 and sent.headers["Location"] == "/pickup/requested"
    shipment = db.session.execute(db.select(Shipment)).scalar_one()
    assert shipment.state is State.REQUESTED and shipment.pickup.channel is Channel.WEB
    assert shipment.dossier.applicant_phone == "0912345678" and shipment.pickup.citizen_note == "Nhà trong hẻm"

    page = client.get("/pickup/requested")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "Đã nhận yêu cầu" in text
    assert shipment.dossier.code in text
    assert format_date(local_today() + timedelta(days=2)) in text and "Buổi chiều" in text
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text and "200.000 ₫" in text
    link = re.search(r'<p class="link"><a href="(http://localhost/t/[^"]+)">', text).group(1)
    assert link not in page.headers.get("Location", "") and page.headers["Cache-Control"] == "no-store"
    # The QR code is the link itself, drawn by the labels' own code.
    qr = re.search(r'src="data:image/png;base64,([^"]+)"', text).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(qr))).tobytes() == qr_image(link, 264).tobytes()

    again = client.get("/pickup/requested")  # a reload shows it again and sends nothing
    assert again.status_code == 200 and shipment.dossier.code in again.get_data(as_text=True)
    assert saved(db) == 1

    tracking = html.unescape(client.get(link.removeprefix("http://localhost")).get_data(as_text=True))
    assert "Cấp Phiếu lý lịch tư pháp cho công dân" in tracking  # shown to a proven holder only
    assert "/check" not in tracking  # no phone check asked of the requester


def test_the_confirmation_shows_only_in_the_browser_that_sent_the_request(app, client, procedure):
    client.post("/pickup", data=good_form(client, procedure))
    stranger = app.test_client()
    answer = stranger.get("/pickup/requested")
    assert answer.status_code == 302 and answer.headers["Location"] == "/pickup"
    assert "chỉ hiện trên máy đã gửi yêu cầu" in stranger.get("/pickup").get_data(as_text=True)


def test_the_tracking_link_asks_anyone_else_for_the_phone_digits(app, client, procedure):
    client.post("/pickup", data=good_form(client, procedure))
    page = html.unescape(client.get("/pickup/requested").get_data(as_text=True))
    path = re.search(r'href="http://localhost(/t/[^"]+)"', page).group(1)
    other = app.test_client().get(path).get_data(as_text=True)
    assert "/check" in other and "Cấp Phiếu lý lịch tư pháp" not in other


def test_the_page_lists_each_procedures_documents_and_fee(client, procedure):
    page = html.unescape(client.get("/pickup").get_data(as_text=True))
    assert f'data-procedure="{procedure.id}" hidden' in page  # shown by the script once chosen
    assert "Bản chụp CCCD" in page and "1 bản sao · nếu có" in page and "200.000 ₫" in page
    assert '<optgroup label="Thành phố Đà Nẵng">' in page and ">Phường Tam Kỳ</option>" in page
    assert 'type="date"' in page and f'min="{(local_today() + timedelta(days=1)).isoformat()}"' in page


TODAY = local_today()
BAD = [
    ("procedure", "999999", "unknown_procedure"),
    ("procedure", "abc", "unknown_procedure"),
    ("applicant_name", "", "required"),
    ("applicant_name", "Lê " * 60 + "Hoa", "too_long"),
    ("applicant_name", "Lê\x07Hoa", "invalid_text"),
    ("applicant_phone", "12345", "invalid_phone"),
    ("applicant_phone", "", "required"),
    ("street", "", "required"),
    ("street", "45 " * 100, "too_long"),
    ("street", "45\x1bTrần Cao Vân", "invalid_text"),
    ("ward", str(HA_NOI_WARD), "ward_not_served"),
    ("ward", "99999999", "unknown_ward"),
    ("ward", "", "required"),
    ("preferred_date", TODAY.isoformat(), "too_soon"),
    ("preferred_date", (TODAY - timedelta(days=3)).isoformat(), "too_soon"),
    ("preferred_date", (TODAY + timedelta(days=15)).isoformat(), "too_far"),
    ("preferred_date", "ngày mai", "invalid_date"),
    ("preferred_date", "", "required"),
    ("preferred_slot", "evening", "invalid_choice"),
    ("preferred_slot", None, "required"),
    ("note", "x" * 301, "too_long"),
    ("note", "gọi\x0btrước", "invalid_text"),
    ("consent", None, "consent_required"),
]


@pytest.mark.parametrize("name,value,code", BAD, ids=[f"{name}-{code}" for name, _, code in BAD])
def test_a_bad_field_is_said_under_it_with_what_was_typed_kept(app, db, client, procedure, name, value, code):
    response = client.post("/pickup", data=good_form(client, procedure, **{name: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and '<html lang="vi"' in page
    field_id = "consent" if name == "consent" else name
    error = re.search(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', page)
    assert error and html.unescape(error.group(1)) == said(app, code)
    assert 'value="Lê Thị Hoa"' in page or name == "applicant_name"
    assert 'value="45 Trần Cao Vân"' in page or name == "street"
    assert f'<option selected value="{procedure.id}">' in page or name == "procedure"
    if name in ("applicant_name", "applicant_phone", "street", "preferred_date") and value:
        assert f'value="{html.escape(value)}"' in page  # the wrong value too, to be corrected
    assert f'data-procedure="{procedure.id}">' in page or name == "procedure"  # its documents shown
    assert saved(db) == 0


def test_an_empty_form_names_every_missing_field(db, client, procedure):
    token = csrf_token_from(client.get("/pickup").get_data(as_text=True))
    page = client.post("/pickup", data={"csrf_token": token})
    assert page.status_code == 422
    errors = re.findall(r'<p class="error" id="([a-z_]+)-error">', page.get_data(as_text=True))
    assert sorted(errors) == sorted(["procedure", "applicant_name", "applicant_phone", "street", "ward",
                                     "preferred_date", "preferred_slot", "consent"])
    assert "Có 8 chỗ cần sửa" in page.get_data(as_text=True) and saved(db) == 0


@pytest.mark.parametrize("kind", ["retired", "agency_not_carried"])
def test_a_procedure_no_longer_active_or_not_carried_cannot_be_booked(app, db, client, procedure, office, kind):
    if kind == "retired":
        other = factories.procedure(office, code="1.000002", name="Thủ tục đã ngừng")
        other.active = False
    else:
        other = Procedure(agency=factories.agency("000.00.99.X99"), code="1.000003", name="Thủ tục nơi khác",
                          fee_agency=0, processing_days=5)
        db.session.add(other)
    db.session.commit()
    response = client.post("/pickup", data=good_form(client, procedure, procedure=str(other.id)))
    assert response.status_code == 422 and said(app, "unknown_procedure") in response.get_data(as_text=True)
    assert f'value="{other.id}"' not in response.get_data(as_text=True)  # not offered either
    assert saved(db) == 0


def test_without_a_csrf_token_nothing_is_saved(db, client, procedure):
    response = client.post("/pickup", data=good_form(client, procedure, csrf_token=None))
    assert response.status_code == 400 and saved(db) == 0


def test_the_login_page_leads_citizens_to_the_request(client):
    assert 'href="/pickup"' in client.get("/login").get_data(as_text=True)


class TestRateLimit:
    @pytest.fixture
    def app_settings(self):
        return {"RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1}

    def test_the_sixth_request_in_an_hour_from_one_address_is_refused_in_words(self, db, client, procedure):
        def send(address="203.0.113.7", **changes):
            return client.post("/pickup", data=good_form(client, procedure, **changes),
                               headers={"X-Forwarded-For": address}).status_code

        assert [send(applicant_phone="12"), send(consent=None)] == [422, 422]  # mistakes do not count
        assert [send() for _ in range(5)] == [303] * 5
        refused = client.post("/pickup", data=good_form(client, procedure), headers={"X-Forwarded-For": "203.0.113.7"})
        assert refused.status_code == 429 and "thao tác quá nhiều lần" in refused.get_data(as_text=True)
        assert '<html lang="vi"' in refused.get_data(as_text=True) and saved(db) == 5
        assert client.get("/pickup", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 200
        assert send(address="203.0.113.8") == 303  # someone else behind the same proxy
