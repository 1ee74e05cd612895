"""Every form and API write in the URL map, as its own audience, given hostile bodies: never a 500.

The companion of test_hostile_queries.py for POST, PUT, PATCH and DELETE. Each route is called
by the people it is for (logged in, with a good CSRF token in the form and the header, the
agency's key), on records that exist, so the body reaches the view rather than a 404 or the
CSRF check. Every hostile value goes in every field any form or API of the app reads, so a
field a view starts to read later is covered without listing it here. The answer is a 4xx
that says why (JSON with a message, or a page in Vietnamese), or a form sent back or a
redirect, as for any mistake.
"""
import io
import json
import uuid

import pytest
from flask import url_for
from werkzeug.datastructures import MultiDict

from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.domain.tokens import new_token
from courier.ledger import custody
from courier.media import media_store
from courier.models import Procedure, ProcedureDocument, Round, RoundStop
from courier.services.agency_keys import issue_api_key
from courier.services.handover import submit_attempt
from tests import factories
from tests.attempts import delivered
from tests.conftest import csrf_token_from
from tests.integration.test_access import AGENCY_KEY, PUBLIC, ROUTES
from tests.integration.test_agency_api import DOSSIER
from tests.integration.test_hostile_queries import _role

WRITES = [route for route in ROUTES if route.values[1] in ("POST", "PUT", "PATCH", "DELETE")]
# Every field a form or an API body of the app reads (forms.py, the courier's and the agency's API).
FIELDS = ("username", "password", "remember", "confirm", "upload_id", "agency", "encoding", "mapping-0",
          "recheck", "import_all", "shipment", "code", "layout", "courier", "to_courier", "day", "due",
          "reason", "note", "rating", "comment", "digits", "handed_on", "amount", "attempt", "round_id",
          "shipment_ids", "client_id", "shipment_id", "taken_at", "url", "secret", "events", "dossier",
          "procedure", "applicant_name", "applicant_phone", "street", "ward", "preferred_date", "preferred_slot",
          "consent")
NESTED = "[" * 100_000 + "]" * 100_000
FORM = "application/x-www-form-urlencoded"
ENDING = {"dispatch.rounds_remove", "auth.logout"}  # the round's stop, the session
JUNK_JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8  # small: the test client keeps it in memory


def _form(csrf, value):
    return {"data": {name: value for name in FIELDS} | {"csrf_token": csrf}}


def _multipart_odd(csrf, world):
    """A file where text is read, an empty and a climbing file name, a part named twice, a huge part name."""
    parts = MultiDict([(name, (io.BytesIO(JUNK_JPEG), "../../etc/passwd")) for name in FIELDS])
    parts.add("signature", (io.BytesIO(b""), ""))
    for content, filename in ((b"\xff\xd8\xff", "a.jpg"), (b"GIF89a", "b\x00.gif")):
        parts.add("photo", (io.BytesIO(content), filename))
    parts.add("x" * 5000, "y")
    parts.add("csrf_token", csrf)
    return {"data": parts, "content_type": "multipart/form-data"}


def _hand_over_with_nul(csrf, world):
    """A failed visit as the phone sends it, its note carrying an escaped NUL (JSON allows it)."""
    attempt = {"client_id": str(uuid.uuid4()), "shipment_id": str(world["shipment_id"]), "outcome": "failed",
               "failure_reason": "other", "note": "Cổng khóa\u0000", "captured_at": "2026-01-01T00:00:00Z"}
    return {"data": {"attempt": json.dumps(attempt), "csrf_token": csrf}, "content_type": "multipart/form-data"}


def _raw(body: bytes, content_type: str):
    return {"data": body, "content_type": content_type}


def _json(body: bytes):
    return _raw(body, "application/json")


def _dossier_with_nul(csrf, world):
    """A dossier as an agency pushes it, each text ending in an escaped NUL."""
    return {"json": {name: f"{value}\u0000" if isinstance(value, str) else value for name, value in DOSSIER.items()}}


# The corpus: each builds the keyword arguments of one request from the session's CSRF token
# and the records the routes name.
HOSTILE_BODIES = {
    "empty": lambda csrf, world: {},
    "nul_and_line_breaks": lambda csrf, world: _form(csrf, "a\x00b\r\nSet-Cookie: x=1\r\n"),
    "huge_numbers": lambda csrf, world: _form(csrf, "9" * 40),
    "negative_and_float_numbers": lambda csrf, world: _form(csrf, "-1e309"),
    "oversized_fields": lambda csrf, world: _form(csrf, "Nguyễn " * 300) | {"query_string": {"note": "x" * 5000}},
    "fields_repeated": lambda csrf, world: {
        "data": MultiDict([(name, str(n)) for name in FIELDS for n in range(50)] + [("csrf_token", csrf)]),
        "content_type": FORM},
    "invalid_utf8_form": lambda csrf, world: _raw(
        b"note=\xff\xfe&code=%FF%FE%00&reason=\xc3(&csrf_token=" + csrf.encode(), FORM),
    "json_where_a_form_is": lambda csrf, world: {
        "json": {name: {"$gt": [None, 10 ** 30, "x"]} for name in FIELDS} | {"csrf_token": csrf}},
    "json_huge_numbers": lambda csrf, world: _json(
        ("{" + ", ".join(f'"{name}": 1e999999' for name in FIELDS) + ', "ids": [' + "9" * 5000 + "]}").encode()),
    "json_of_the_wrong_shape": lambda csrf, world: _json(b'[{"shipment_ids": "all", "round_id": [], "code": {}}]'),
    "json_nested_too_deep": lambda csrf, world: _json(NESTED.encode()),
    "json_invalid_utf8": lambda csrf, world: _json(b'{"round_id": "\xff\xfe", "note": "\xc3("}'),
    "json_with_nul_strings": lambda csrf, world: {"json": {name: "a\u0000b" for name in FIELDS}},
    "wrong_content_type": lambda csrf, world: _raw(b"<?xml version='1.0'?><dossier/>", "application/xml"),
    "multipart_odd_parts": _multipart_odd,
    "multipart_broken": lambda csrf, world: _raw(
        b"--zz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--zz", "multipart/form-data; boundary=zz"),
    "multipart_without_boundary": lambda csrf, world: _raw(b"garbage", "multipart/form-data"),
    "hand_over_with_nul_escapes": _hand_over_with_nul,
    "dossier_with_nul_escapes": _dossier_with_nul,
}


@pytest.fixture
def world(app, db, office, users):
    """Records for every route's path to name: a round with a stop, a failed visit, a delivered result
    disputed through its citizen link, an agency with a key."""
    courier = users["courier"]
    on_round = factories.shipment(office)
    round_ = Round(courier=courier, post_office=office, round_date=local_today(),
                   stops=[RoundStop(shipment=on_round, position=0)])
    db.session.add(round_)
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(on_round, action, max_attempts=3)
    handed = factories.shipment(office, applicant_phone="0905123456")
    token, hashed = new_token()
    link = handed.add_citizen_link(hashed, "label")
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(handed, action, max_attempts=3)
    custody.apply(handed, Action.DISPATCH, max_attempts=3, courier=courier)
    custody.apply(handed, Action.DELIVER, max_attempts=3, actor=courier)
    dispute = custody.note(handed, "citizen_disputed", actor_label="citizen", details={"comment": "Chưa nhận"})
    agency = factories.agency()
    agency.post_office = office
    key = issue_api_key(agency)
    procedure = Procedure(agency=agency, code="1.001193", name="Đăng ký khai sinh", fee_agency=0, processing_days=1,
                          documents=[ProcedureDocument(position=0, name="Tờ khai đăng ký khai sinh")])
    db.session.add(procedure)
    db.session.commit()
    failed = delivered(on_round, outcome="failed", failure_reason="absent", recipient=None, fees=None)
    submit_attempt(courier, json.dumps(failed), {}, media_store(), max_attempts=3)
    db.session.commit()
    return {"event_id": dispute.id, "client_id": uuid.UUID(failed["client_id"]), "round_id": round_.public_id,
            "shipment_id": on_round.public_id, "link_id": link.id, "user_id": courier.id, "token": token,
            "round": round_.public_id, "handed": handed.public_id, "key": key, "procedure_id": procedure.id}


def _path(app, endpoint, world) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {name: world[name] for name in rule.arguments if name != "public_id"}
    if "public_id" in rule.arguments:
        values["public_id"] = {"dispatch.takeout_scan": world["round"],
                               "dispatch.shipment_revoke_link": world["handed"]}.get(endpoint, world["shipment_id"])
    with app.test_request_context():
        return url_for(endpoint, **values)


def _audience(endpoint: str) -> str:
    if endpoint in AGENCY_KEY:
        return "agency"
    if endpoint.startswith("citizen."):
        return "citizen"
    return "anonymous" if endpoint in PUBLIC else _role(endpoint)


def _as(audience, client, auth, users, world) -> str:
    """Log in as the audience (or stay anonymous), and return the session's CSRF token."""
    if audience == "agency":
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world['key']}"
        return ""
    if audience in users:
        auth.login(users[audience].username)
    page = {"courier": "/courier/", "dispatcher": "/dispatch/", "admin": "/admin/", "anonymous": "/login",
            "citizen": f"/t/{world['token']}"}[audience]
    csrf = csrf_token_from(client.get(page, follow_redirects=True).get_data(as_text=True))
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf  # as the courier's app sends it, for JSON bodies
    return csrf


def _says_why(response) -> bool:
    if response.is_json:
        body = response.get_json(silent=True) or {}
        return bool(isinstance(body, dict) and (body.get("message") or body.get("title")))
    return '<html lang="vi"' in response.get_data(as_text=True)


@pytest.mark.parametrize("audience", sorted({_audience(route.values[0]) for route in WRITES}))
def test_no_hostile_body_ends_in_a_server_error(app, users, auth, client, world, audience):
    csrf = _as(audience, client, auth, users, world)
    # One session for all the audience's routes, every body to each; last, the routes that end
    # what the others need (a body with nothing but the CSRF token is a good one for them).
    routes = sorted((route.values[:2] for route in WRITES if _audience(route.values[0]) == audience),
                    key=lambda route: route[0] in ENDING)
    problems = []
    for endpoint, method in routes:
        path = _path(app, endpoint, world)
        for name, body in HOSTILE_BODIES.items():
            response = client.open(path, method=method, buffered=True, **body(csrf, world))
            said = response.get_data(as_text=True)[:300]
            if response.status_code >= 500:
                problems.append(f"{method} {path} with {name}: {response.status_code} {said}")
            elif response.status_code >= 400 and not _says_why(response):
                problems.append(f"{method} {path} with {name}: {response.status_code} says nothing: {said}")
    assert not problems, "\n".join(problems)
