"""courier: proof of hand-over for public-service results delivered by post."""
from flask import Flask, g, request, session
from flask.json.provider import DefaultJSONProvider
from flask_compress import Compress

from . import auth, config
from .private_files import private_file
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and the access gate.

    `test_config` overrides values read from the environment.
    """
    app = Flask(__name__, instance_relative_config=False)
    app.json = _JSONProvider(app)
    settings = config.from_environment()
    settings.update(test_config or {})
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(settings["SQLALCHEMY_DATABASE_URI"]))
    app.config.update(settings)

    # The gate runs before CSRFProtect's check, so an anonymous POST is sent to
    # the login page rather than told its form expired.
    from .routes.errors import refuse_nul_in_form, refuse_nul_in_query
    app.before_request(refuse_nul_in_query)  # before anything reads the query string
    app.before_request(auth.gate)
    _init_extensions(app)
    app.before_request(refuse_nul_in_form)  # after CSRFProtect's check: a body is read once it may be used
    _register_blueprints(app)
    app.after_request(_security_headers)
    if app.config.get("TRUSTED_PROXIES"):
        # Behind nginx: the client's address and scheme come from X-Forwarded-For/-Proto.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    # gunicorn does not compress: scripts, styles and JSON are gzip'd here. Not HTML: a page
    # that echoes what was typed (a search) next to the CSRF token would open it to BREACH.
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/css", "text/javascript", "application/javascript",
                                                 "application/json", "application/manifest+json",
                                                 "image/svg+xml", "application/wasm"])
    app.config.setdefault("COMPRESS_ALGORITHM", "gzip")
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", "gzip")  # static files are streamed
    Compress(app)

    from . import cli, queue, tasks, templating, unit_of_work  # noqa: F401  (tasks: declared for the queue)
    from .routes.api.schemas import api_spec
    unit_of_work.register()  # the flush and commit steps, on the app's session only
    api_spec.app = app  # the document is built from this app's routes; no extra routes registered
    queue.init_app(app)
    cli.register(app)
    templating.register(app)
    return app


class _JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply to parse is bad JSON (a 4xx where the view
    reads it), not a RecursionError and a 500."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (so every table is known to Alembic)
    from .models.types import render_item

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.BASE_DIR / "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_item)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories="translations")
    limiter.init_app(app)
    login_manager.init_app(app)
    # "strong": a session whose identifier (IP and user agent) changes is dropped. The
    # courier app copes (its outbox waits for a new login); "basic" was tried and broke
    # the offline shell after a browser restart (tests/browser/test_courier_offline.py).
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_user)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _enable_sqlite_pragmas(db.engine, app.config["SQLITE_SYNCHRONOUS"])
            if db.engine.url.database not in (None, "", ":memory:"):
                private_file(db.engine.url.database)  # before SQLite makes it (and its WAL) world-readable


def _enable_sqlite_pragmas(engine, synchronous: str) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers (the dispatcher's board) run while a courier's sync writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged hand-over survives a power cut, since the phone then deletes its copy.
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _load_user(session_token: str):
    return auth.load_user(session_token)


def _select_locale() -> str:
    from flask import current_app

    choice = session.get("lang")
    return choice if choice in current_app.config["LANGUAGES"] else "vi"


def _register_blueprints(app: Flask) -> None:
    from .domain.tokens import CITIZEN_PATH
    from .routes import admin, api, auth as auth_routes, citizen, courier, desk, dispatch, errors, pickup, pwa

    app.register_blueprint(auth_routes.bp)
    app.register_blueprint(courier.bp, url_prefix="/courier")
    app.register_blueprint(dispatch.bp, url_prefix="/dispatch")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(desk.bp, url_prefix="/desk")
    app.register_blueprint(citizen.bp, url_prefix=CITIZEN_PATH)
    app.register_blueprint(pickup.bp)  # /pickup: the citizen asks for a pickup at home
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pwa.bp)
    errors.register(app)


_WASM_WORKER = "/static/js/courier/scan_worker.js"


def _security_headers(response):
    # Only what every page needs now; inline script and style are not used anywhere.
    # The scanner's worker alone may compile WebAssembly (its QR decoder, from our origin):
    # a dedicated worker runs under the policy its own script was served with.
    script = " script-src 'self' 'wasm-unsafe-eval';" if request.path == _WASM_WORKER else ""
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self';{script} img-src 'self' data: blob:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"
    )
    # Whether a user was loaded for this request, read without touching it: after a commit,
    # asking `current_user` would load the account again.
    if g.get("_login_user") is not None and not g._login_user.is_anonymous and request.endpoint != "static":
        # Pages with personal data must not be kept by shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
