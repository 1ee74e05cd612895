"""Deny by default, checked over the whole URL map.

Every route is tried: a route that is not on the public list must refuse an
anonymous visitor, and every role outside the route's audience must get 403.
A new route that forgets its protection, or a new public route nobody
reviewed, fails here.
"""
import re

import pytest

from courier import create_app

PUBLIC = {
    "static", "auth.index", "auth.login", "auth.language", "citizen.track",
    "pwa.service_worker", "pwa.manifest", "pwa.offline", "api.openapi", "api.docs",
    "citizen.check", "citizen.confirm", "citizen.dispute", "citizen.note", "citizen.receipt", "citizen.signature",
    "pickup.ask", "pickup.requested", "citizen.cancel",
}
# Reached by agencies' software with an API key; a staff session is not a key.
AGENCY_KEY = {"api.push_dossier", "api.dossier_status", "api.put_webhook", "api.incoming", "api.acknowledge",
              "api.send_back"}
# Endpoints for one role inside a shared audience.
COURIER_ONLY_PREFIX = "api.courier_"
# Who may use each audience's pages.
AUDIENCES = {
    "auth": {"courier", "dispatcher", "admin", "agency_desk"},
    "courier": {"courier"},
    "dispatch": {"dispatcher", "admin"},
    "admin": {"admin"},
    "desk": {"agency_desk"},
    "api": {"courier", "dispatcher", "admin"},
}
SAMPLE_VALUES = {"token": "x" * 24, "code": "en", "filename": "css/app.css"}
SAMPLE_UUID = "00000000-0000-0000-0000-000000000001"


def _sample(converter: str | None, name: str) -> str:
    if converter == "int:":
        return "1"
    return SAMPLE_VALUES.get(name, SAMPLE_UUID)


def _routes():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(\w+:)?{name}>", lambda m: _sample(m.group(1), name), path)
            yield pytest.param(rule.endpoint, method, path, id=f"{method} {rule.rule}")


ROUTES = list(_routes())


def test_the_public_list_is_exactly_what_is_reachable_without_login():
    public_endpoints = {endpoint for endpoint, _, _ in (p.values for p in ROUTES)
                        if endpoint in PUBLIC}
    assert public_endpoints == PUBLIC


@pytest.mark.parametrize("endpoint,method,path", ROUTES)
def test_anonymous_visitors_are_refused_everything_not_public(client, endpoint, method, path):
    response = client.open(path, method=method, buffered=True)
    if endpoint in PUBLIC:
        assert response.status_code != 401 and "/login?next" not in response.headers.get("Location", "")
        return
    if path.startswith("/api/") or endpoint in AGENCY_KEY:
        assert response.status_code == 401
        assert response.json["error"] == "unauthorised"
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["courier", "dispatcher", "admin", "agency_desk"])
@pytest.mark.parametrize("endpoint,method,path", [r for r in ROUTES if r.values[0] not in PUBLIC])
def test_each_role_is_refused_outside_its_audience(users, auth, client, role, endpoint, method, path):
    auth.login(users[role].username)
    response = client.open(path, method=method, buffered=True)
    if endpoint in AGENCY_KEY:
        assert response.status_code == 401  # no API key, whoever is logged in
        return
    allowed = {"courier"} if endpoint.startswith(COURIER_ONLY_PREFIX) else AUDIENCES[endpoint.split(".")[0]]
    if role in allowed:
        assert response.status_code not in (401, 403)
    else:
        assert response.status_code == 403


def test_a_view_that_declares_no_roles_is_refused_to_everyone(app, users, auth, client):
    from flask import Blueprint

    bare = Blueprint("forgotten", __name__)
    bare.add_url_rule("/forgotten", "page", lambda: "secret")
    app.register_blueprint(bare)
    auth.login(users["admin"].username)
    assert client.get("/forgotten").status_code == 403
