"""Access control: deny by default.

One before_request gate checks every request. An endpoint is reachable
without logging in only if it is marked @public (or is the static files);
otherwise the user must be logged in and have a role the view or its
blueprint allows. A view that declares no roles is refused to everyone, so
forgetting a declaration fails closed.
"""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .extensions import db
from .models import Role, User, UserSession
from .models.types import utcnow

PUBLIC_ENDPOINTS = {"static"}


def public(view):
    """Mark a view as reachable without logging in."""
    view.is_public = True
    return view


def agency_key_required(view):
    """Mark a view as reached with an agency's API key (Authorization: Bearer …), not a session."""
    view.auth_scheme = "agency_key"
    return view


def roles_allowed(*roles: Role):
    """Restrict a view to these roles, overriding its blueprint's default."""
    def mark(view):
        view.allowed_roles = frozenset(roles)
        return view
    return mark


def blueprint_roles(blueprint, *roles: Role):
    """Set the roles every view of a blueprint allows unless it says otherwise."""
    blueprint.allowed_roles = frozenset(roles)
    return blueprint


def wants_json() -> bool:
    """True for API calls and for clients that asked for JSON."""
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def view_roles(endpoint: str) -> frozenset | None:
    """The roles allowed on an endpoint, or None if it is public."""
    view = current_app.view_functions[endpoint]
    if endpoint in PUBLIC_ENDPOINTS or getattr(view, "is_public", False):
        return None
    roles = getattr(view, "allowed_roles", None)
    if roles is None and "." in endpoint:
        blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
        roles = getattr(blueprint, "allowed_roles", None)
    return roles or frozenset()


def gate():
    """before_request hook: let public endpoints through, check login and role for the rest."""
    if request.endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    view = current_app.view_functions[request.endpoint]
    if getattr(view, "auth_scheme", None) == "agency_key":
        return _check_agency_key()
    roles = view_roles(request.endpoint)
    if roles is None:
        return None
    if not current_user.is_authenticated:
        if wants_json():
            response = jsonify(error="unauthorised", message=_("Cần đăng nhập."))
            response.status_code = 401
            return response
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if _idle_too_long():
        end_login()
        flash(_("Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại."), "error")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role not in roles:
        abort(403)
    return None


# A dispatcher's last request is written down at most this often, not on every request.
_SEEN_EVERY = timedelta(minutes=1)


def _idle_too_long() -> bool:
    """Dispatchers' sessions end after a quiet spell; couriers' must survive a day offline.

    Kept on the server's record of the login, so a copy of the cookie cannot outlive it.
    """
    login = g.get("user_session")
    if current_user.role == Role.COURIER or login is None:
        return False  # (couriers' logins end by expiry and logout only)
    now = utcnow()
    if now - login.last_seen_at > timedelta(minutes=current_app.config["DISPATCHER_IDLE_MINUTES"]):
        return True
    if now - login.last_seen_at > _SEEN_EVERY:
        login.last_seen_at = now
        db.session.commit()  # nothing else is pending before the view runs
    return False


def start_login(user: User, remember: bool) -> None:
    """Log `user` in with a new server-side session; only couriers may be remembered.

    Starts from an empty cookie session (keeping only the language). Commits.
    """
    config = current_app.config
    remember = remember and user.role == Role.COURIER
    lifetime = (timedelta(days=config["COURIER_SESSION_DAYS"]) if user.role == Role.COURIER
                else timedelta(hours=config["STAFF_SESSION_HOURS"]))
    UserSession.start(user, request.user_agent.string, lifetime, remember)
    db.session.commit()
    lang = session.get("lang")
    session.clear()  # a fresh session: nothing from before login carries over
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember, duration=lifetime)


def end_login() -> None:
    """End this request's login on the server and in the browser (remember cookie too). Commits."""
    login = g.get("user_session")
    if login is not None:
        login.end()
        db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    session["_remember"] = "clear"  # Flask-Login's instruction to delete the remember cookie
    if lang:
        session["lang"] = lang


def load_user(token: str):
    """Flask-Login's user loader: the user of a live login from this browser, or None."""
    login = UserSession.find_live(token, request.user_agent.string if request else "")
    if login is None:
        return None
    g.user_session = login
    return login.user


def _check_agency_key():
    from .services.agency_keys import agency_for_key

    header = request.headers.get("Authorization", "")
    agency = agency_for_key(header[7:].strip() if header.lower().startswith("bearer ") else None)
    if agency is None:
        from .routes.api.problems import problem  # the agency API's one error shape

        response = problem(401, "unauthorised")
        response.headers["WWW-Authenticate"] = 'Bearer realm="courier"'
        return response
    g.agency = agency
    return None


def safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a path on this site (no open redirect)."""
    if not target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # a control character (CR, LF) would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user) -> str:
    """The page a user lands on after logging in."""
    if user.role == Role.COURIER:
        return url_for("courier.today")
    if user.role == Role.AGENCY_DESK:
        return url_for("desk.incoming")
    return url_for("dispatch.board")

