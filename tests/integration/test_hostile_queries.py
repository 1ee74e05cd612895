"""Every page and API read, as its own audience, given hostile query strings: never a 500.

Each GET route in the URL map is requested once per hostile value, with that value in every
query parameter the app reads (filters, dates, cursors, `next`), so a parameter a view starts
to read later is covered without listing it here.
"""
import pytest

from tests.integration.test_access import ROUTES, AUDIENCES, COURIER_ONLY_PREFIX, PUBLIC, AGENCY_KEY

PARAMETERS = ("q", "state", "agency", "commune", "courier", "due", "day", "start", "end", "after", "next",
              "since", "code", "by", "layout", "unprinted", "to_courier", "encoding", "upload_id", "format")
HOSTILE = ["99999999999999999999999", "-1", "0", "nul\x00byte", "line\r\nbreak", "x" * 5000, "9999-12-31",
           "0001-01-01", "2026-13-45", "../../etc/passwd", "<script>alert(1)</script>", "😀", "[]", "%", " "]
GETS = [route for route in ROUTES if route.values[1] == "GET" and route.values[0] != "static"]


def _role(endpoint: str) -> str | None:
    if endpoint in PUBLIC or endpoint in AGENCY_KEY or endpoint.startswith("pwa."):
        return None
    if endpoint.startswith(COURIER_ONLY_PREFIX) or endpoint.startswith("courier."):
        return "courier"
    blueprint = endpoint.split(".", 1)[0]
    return "admin" if blueprint == "admin" else "dispatcher" if "dispatcher" in AUDIENCES.get(blueprint, ()) \
        else "courier"


@pytest.mark.parametrize("endpoint,method,path", GETS)
def test_no_hostile_query_string_ends_in_a_server_error(users, auth, client, endpoint, method, path):
    role = _role(endpoint)
    if role:
        auth.login(users[role].username)
    for value in HOSTILE:
        response = client.get(path, query_string={name: value for name in PARAMETERS})
        assert response.status_code < 500, f"{path} with {value[:30]!r}: {response.status_code}"
