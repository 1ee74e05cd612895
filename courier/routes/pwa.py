"""Files a PWA needs at the site root: the service worker and the manifest."""
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_file, url_for
from flask_babel import get_locale, gettext as _

from ..auth import public

bp = Blueprint("pwa", __name__)
SERVICE_WORKER = Path(__file__).resolve().parents[2] / "service_worker.js"


@bp.route("/service_worker.js")
@public
def service_worker():
    response = send_file(SERVICE_WORKER, mimetype="text/javascript", max_age=0)
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
