"""Files a PWA needs at the site root: the service worker and the manifest."""
import hashlib
import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import get_locale, gettext as _

from ..auth import public

bp = Blueprint("pwa", __name__)
SERVICE_WORKER = Path(__file__).resolve().parents[2] / "service_worker.js"
STATIC = Path(__file__).resolve().parents[1] / "static"
_VERSION = re.compile(r'^const VERSION = "([^"]+)";', re.M)
_PRECACHE = re.compile(r"^const PRECACHE = \[\];", re.M)  # the placeholder the served worker fills
_LAZY = re.compile(r"^const LAZY = (\[.*?\]);", re.M | re.S)
COURIER_ENTRY = "js/courier/app.js"
# What the courier's page loads besides its modules (courier/app.html, base.html), and the
# icons its manifest names: with the entry's module graph, the worker's precache.
SHELL_FILES = ("css/app.css", "css/courier.css", "css/scan.css",
               "vendor/signature_pad-5.1.4/signature_pad.umd.min.js",
               "icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png")
SHELL_PAGES = ("/offline", "/manifest.webmanifest")
# static/vendor/<name>-<version>/...: a file there never changes (vendor/README.md).
_VERSIONED = re.compile(r"^vendor/[^/]+-\d+(\.\d+)*/")
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.after_app_request
def _cache_versioned_static(response):
    """Vendored files live in a folder named after their version: browsers may keep them a year.

    The app's own files keep Flask's default (no-cache: revalidated with their ETag); the
    service worker holds them per deploy anyway.
    """
    filename = (request.view_args or {}).get("filename", "")
    if request.endpoint == "static" and response.status_code in (200, 304) and _VERSIONED.match(filename):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


# Static imports only (`import … from "…"`, `export … from "…"`, `import "…"`), not import().
_IMPORT = re.compile(r'^\s*(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"', re.M)


@lru_cache(maxsize=8)
def module_graph(entry: str) -> tuple[str, ...]:
    """Every module the ES module `entry` (a path under static/) imports, directly or not.

    The courier's page names them in <link rel="modulepreload">, so the browser fetches the whole
    graph at once instead of one level of imports per round trip (~4 on a slow network).
    """
    seen, todo = [], [entry]
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        for match in _IMPORT.finditer((STATIC / path).read_text(encoding="utf-8")):
            target = match.group(1) or match.group(2)
            if target.startswith("/static/"):
                todo.append(target.removeprefix("/static/"))
            elif target.startswith("."):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return tuple(seen)


@bp.app_context_processor
def _template_helpers():
    return {"module_graph": module_graph}


def precache_urls(lazy: list[str]) -> list[str]:
    """The URLs the worker fetches on install: the shell's pages and files, and every module the
    courier's app imports statically, less the `lazy` ones (fetched when first used).

    Raises RuntimeError when a SHELL_FILES entry is missing (a renamed file must not leave the
    worker failing its install on every phone).
    """
    files = [*SHELL_FILES, *module_graph(COURIER_ENTRY)]
    missing = [name for name in files if not (STATIC / name).is_file()]
    if missing:
        raise RuntimeError(f"precache names missing static files: {missing}")
    urls = [*SHELL_PAGES, *(f"/static/{name}" for name in files)]
    return [url for url in urls if url not in lazy]


@lru_cache(maxsize=1)
def _service_worker_source() -> str:
    """The worker with its PRECACHE list filled in, and a digest of every static file appended
    to its VERSION.

    The worker precaches the static files under VERSION; tying VERSION to their
    content means a deploy that changes one always installs a new worker, so no
    phone keeps running last week's scripts. Computed once per process (a deploy
    restarts the processes).
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC).as_posix().encode())
        digest.update(path.read_bytes())
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    lazy = json.loads(re.sub(r",\s*\]$", "]", _LAZY.search(source).group(1)))  # JS allows a last comma
    # Plain JSON, one URL a line: what a reader (or a test) of the served worker expects.
    precache = json.dumps(precache_urls(lazy), indent=2)
    source = _PRECACHE.sub(lambda m: f"const PRECACHE = {precache};", source, count=1)
    return _VERSION.sub(lambda m: f'const VERSION = "{m.group(1)}-{digest.hexdigest()[:12]}";', source, count=1)


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
