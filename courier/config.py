"""Configuration read from the environment, with safe defaults.

Nothing secret lives in the repository: SECRET_KEY comes from the environment,
or from a file in the instance folder created once with random bytes, so a
fresh checkout runs without anyone inventing a key.
"""
import os
import secrets
from pathlib import Path

from .private_files import private_folder

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _choice(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    value = (value or "").strip().upper()
    return value if value in allowed else default


def _secret_key(instance_dir: Path) -> str:
    """Return a persistent random key kept in the instance folder (mode 0600)."""
    private_folder(instance_dir)
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another gunicorn worker won the race
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()


def state_dir(env) -> Path:
    """Where the checkpoint key and log live by default: outside the instance folder.

    The instance folder holds the database and is what backups copy; a witness kept
    beside them would be edited, restored or deleted together with them. systemd's
    StateDirectory= names the service's own folder; a developer's is XDG's state home.
    """
    if env.get("STATE_DIRECTORY"):
        return Path(env["STATE_DIRECTORY"].split(":")[0])
    base = env.get("XDG_STATE_HOME") or Path(env.get("HOME") or Path.home()) / ".local" / "state"
    return Path(base) / "courier"


def database_url(raw: str) -> str:
    """Name the psycopg 3 driver in PostgreSQL URLs that name none or the old one."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def from_environment(env=os.environ) -> dict:
    """Build the configuration mapping from environment variables."""
    instance_dir = Path(env.get("COURIER_INSTANCE_DIR", BASE_DIR / "instance"))
    public_base_url = env.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")
    secure_cookies = _bool(env.get("SESSION_COOKIE_SECURE"), public_base_url.startswith("https://"))
    secret_key = env.get("SECRET_KEY") or _secret_key(instance_dir)
    uri = database_url(env.get("DATABASE_URL", f"sqlite:///{instance_dir / 'courier.sqlite3'}"))
    return {
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": secret_key,
        # Keyed hash for recipients' ID numbers; its own key so that rotating the
        # session key does not break ID matching on stored attempts.
        "SQLALCHEMY_DATABASE_URI": uri,
        "MEDIA_DIR": env.get("MEDIA_DIR", str(instance_dir / "media")),
        "SQLITE_SYNCHRONOUS": _choice(env.get("SQLITE_SYNCHRONOUS"), ("FULL", "EXTRA", "NORMAL"), "FULL"),
        # The key that signs chain checkpoints, and the append-only log each checkpoint is also
        # written to: both outside the instance folder, so no database backup carries them.
        "CHECKPOINT_KEY_FILE": env.get("CHECKPOINT_KEY_FILE", str(state_dir(env) / "checkpoint_key.pem")),
        "CHECKPOINT_LOG_FILE": env.get("CHECKPOINT_LOG_FILE", str(state_dir(env) / "checkpoints.jsonl")),
        # The worker signs the chains' heads this often, when they moved (0: only by hand).
        "CHECKPOINT_EVERY_MINUTES": int(env.get("CHECKPOINT_EVERY_MINUTES", "60")),
        "PUBLIC_BASE_URL": public_base_url,
        "MAX_DELIVERY_ATTEMPTS": int(env.get("MAX_DELIVERY_ATTEMPTS", "3")),
        # Working days a dossier taken in may take to reach the agency's desk (acknowledged there),
        # as agreed with the agencies; the intake report measures against it.
        "INTAKE_LIMIT_DAYS": int(env.get("INTAKE_LIMIT_DAYS", "1")),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # A courier's form may sit open for hours offline; the token is still
        # bound to the session, which is what CSRF protection needs.
        "WTF_CSRF_TIME_LIMIT": None,
        # Always set: Flask-Limiter keeps the last app's choice on its shared object otherwise.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "CITIZEN_RATE_LIMIT": env.get("CITIZEN_RATE_LIMIT", "60 per minute"),
        "CITIZEN_CHECK_RATE_LIMIT": env.get("CITIZEN_CHECK_RATE_LIMIT", "5 per minute;30 per hour"),
        # Pickups asked for on the public page, per IP; only a request saved counts (a typo does not).
        "PICKUP_REQUEST_RATE_LIMIT": env.get("PICKUP_REQUEST_RATE_LIMIT", "5 per hour;20 per day"),
        # A citizen link keeps working this many days after its shipment is closed.
        "CITIZEN_LINK_DAYS": int(env.get("CITIZEN_LINK_DAYS", "30")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024))),
        # Stored proof bytes one courier may add in a day: a full day is ~10 MB.
        "UPLOAD_QUOTA_BYTES_PER_DAY": int(env.get("UPLOAD_QUOTA_BYTES_PER_DAY", str(100 * 1024 * 1024))),
        # A dispatcher's session ends after this long without a request (couriers work offline).
        "DISPATCHER_IDLE_MINUTES": int(env.get("DISPATCHER_IDLE_MINUTES", "30")),
        # A courier's login lasts this many days at most (kept across browser restarts only if
        # they ticked "remember"); it must outlive a day offline. Dispatchers' and admins'
        # logins last STAFF_SESSION_HOURS at most, and are never remembered.
        "COURIER_SESSION_DAYS": int(env.get("COURIER_SESSION_DAYS", "3")),
        "STAFF_SESSION_HOURS": int(env.get("STAFF_SESSION_HOURS", "12")),
        # Signatures and photos are deleted this long after the hand-over (their hashes stay).
        # The post office's bank account for fees paid by transfer (VietQR); empty: cash only.
        "VIETQR_BANK_BIN": env.get("VIETQR_BANK_BIN", ""),
        "VIETQR_ACCOUNT": env.get("VIETQR_ACCOUNT", ""),
        "MEDIA_RETENTION_DAYS": int(env.get("MEDIA_RETENTION_DAYS", str(5 * 365))),
        # The task queue (courier/queue.py): Redis when REDIS_URL is set, so workers on several
        # machines share it; else a SQLite file, which only workers on this machine can share.
        "HUEY_REDIS_URL": env.get("REDIS_URL", ""),
        "HUEY_SQLITE_PATH": env.get("HUEY_SQLITE_PATH", str(instance_dir / "huey.sqlite3")),
        "HUEY_NAME": env.get("HUEY_NAME", "courier"),  # two deployments may share one Redis
        # Webhooks: a worker holds a delivery this long while it tries it (longer than the
        # timeout), and sweeps for due deliveries (retries, lost tasks) this often.
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS", "10")),
        # Webhooks go to the internet only; 1 also allows loopback and private addresses, for an
        # agency on the post office's own network (and tests). Never link-local (cloud metadata).
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": _bool(env.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS"), False),
        "WEBHOOK_CLAIM_SECONDS": int(env.get("WEBHOOK_CLAIM_SECONDS", "60")),
        "WEBHOOK_SWEEP_SECONDS": int(env.get("WEBHOOK_SWEEP_SECONDS", "30")),
        # Proxies (nginx) in front of the app whose X-Forwarded-For/-Proto are trusted; 0: none.
        # Without it, behind nginx every client has nginx's address and shares its rate limits.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
    }


def engine_options(uri: str) -> dict:
    """Engine settings for the database finally chosen (after any override of the URL)."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
