"""Files a PWA needs at the site root: the service worker and the manifest."""
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import get_locale, gettext as _

from ..auth import public

bp = Blueprint("pwa", __name__)
SERVICE_WORKER = Path(__file__).resolve().parents[2] / "service_worker.js"
STATIC = Path(__file__).resolve().parents[1] / "static"
_VERSION = re.compile(r'^const VERSION = "([^"]+)";', re.M)


@lru_cache(maxsize=1)
def _service_worker_source() -> str:
    """The worker with a digest of every static file appended to its VERSION.

    The worker precaches the static files under VERSION; tying VERSION to their
    content means a deploy that changes one always installs a new worker, so no
    phone keeps running last week's scripts. Computed once per process (a deploy
    restarts the processes).
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC).as_posix().encode())
        digest.update(path.read_bytes())
    return _VERSION.sub(lambda m: f'const VERSION = "{m.group(1)}-{digest.hexdigest()[:12]}";',
                        SERVICE_WORKER.read_text(encoding="utf-8"), count=1)


@bp.route("/service_worker.js")
@public
def service_worker():
    response = current_app.response_class(_service_worker_source(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"  # a deploy must reach phones at once
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    icon = lambda name, size, purpose: {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
        "type": "image/png", "purpose": purpose}
    body = {
        "name": _("Courier – Phát trả kết quả hành chính công"),
        "short_name": _("Phát kết quả"),
        "lang": str(get_locale()),
        "start_url": url_for("courier.today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("icon-maskable-512.png", 512, "maskable")],
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json")
    return response


@bp.route("/offline")
@public
def offline():
    """The page the service worker shows for a navigation it cannot reach."""
    return render_template("offline.html")
