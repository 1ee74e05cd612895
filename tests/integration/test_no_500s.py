"""Inputs that used to end in a 500 (issue #17, item 10): each is now a 4xx or a page that says why."""
import pytest

from courier.services.agency_keys import issue_api_key
from tests import factories

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def agency_headers(db, office):
    agency = factories.agency()
    agency.post_office = office
    key = issue_api_key(agency)
    db.session.commit()
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("method,path", [("post", "/api/v1/dossiers"), ("put", "/api/v1/webhook")])
def test_a_body_nested_too_deep_or_form_encoded_is_refused_as_bad_input(client, agency_headers, method, path):
    nested = getattr(client, method)(path, data=NESTED, headers={**agency_headers, "Content-Type": "application/json"})
    form = getattr(client, method)(path, data={"url": "x", "code": "y"}, headers=agency_headers)
    for response in (nested, form):
        assert response.status_code == 422 and response.json["title"], response.get_data(as_text=True)[:200]


def test_a_line_break_in_next_is_never_a_header(client):
    response = client.get("/language/en?next=/x%0d%0aSet-Cookie:%20planted=1")
    assert response.status_code == 302 and "planted" not in response.headers.get("Set-Cookie", "")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "0", "2147483648"])
def test_an_id_no_record_can_have_drops_the_filter_with_a_notice(client, users, auth, value):
    auth.login(users["dispatcher"].username)
    response = client.get(f"/dispatch/shipments?agency={value}")
    assert response.status_code == 200 and "Bộ lọc không hợp lệ: Cơ quan" in response.get_data(as_text=True)


@pytest.mark.parametrize("start,end", [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")])
def test_a_report_off_the_calendar_says_which_years_it_takes(client, users, auth, start, end):
    auth.login(users["dispatcher"].username)
    response = client.get(f"/dispatch/reports?start={start}&end={end}")
    assert response.status_code in (200, 400, 422)
    assert "Ngày phải trong các năm 2000–2099." in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_due_date_filter_off_the_calendar_is_dropped(client, users, auth, day):
    auth.login(users["dispatcher"].username)
    response = client.get(f"/dispatch/shipments?due={day}")
    assert response.status_code == 200 and "Bộ lọc không hợp lệ: Hẹn trả" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/dispatch/shipments?q=ngu%00yen", "/api/v1/courier/lookup?code=ab%00c"])
def test_a_nul_in_the_query_string_is_a_400_in_words(client, users, auth, path):
    auth.login(users["dispatcher" if path.startswith("/dispatch") else "courier"].username)
    response = client.get(path)
    said = response.json["message"] if response.is_json else response.get_data(as_text=True)
    assert response.status_code == 400 and "ký tự không hợp lệ (NUL)" in said
