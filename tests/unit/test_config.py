"""The app factory and configuration from the environment."""
import os
import stat

from courier import create_app
from courier.config import database_url, from_environment


def test_defaults_are_safe_for_a_laptop(tmp_path):
    settings = from_environment({"COURIER_INSTANCE_DIR": str(tmp_path)})
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'courier.sqlite3'}"
    assert settings["MEDIA_DIR"] == str(tmp_path / "media")
    assert settings["SESSION_COOKIE_SECURE"] is False  # plain http on localhost
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["MAX_DELIVERY_ATTEMPTS"] == 3 and settings["BABEL_DEFAULT_LOCALE"] == "vi"


def test_a_random_secret_key_is_made_once_and_kept_private(tmp_path):
    first = from_environment({"COURIER_INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"]
    second = from_environment({"COURIER_INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_the_environment_overrides_the_defaults(tmp_path):
    settings = from_environment({
        "COURIER_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "from-env",
        "DATABASE_URL": "postgresql://courier@db:5432/courier", "MEDIA_DIR": "/srv/media",
        "PUBLIC_BASE_URL": "https://phat.example.vn/", "MAX_DELIVERY_ATTEMPTS": "2",
    })
    assert settings["SECRET_KEY"] == "from-env" and not (tmp_path / "secret_key").exists()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://courier@db:5432/courier"
    assert settings["PUBLIC_BASE_URL"] == "https://phat.example.vn"
    assert settings["SESSION_COOKIE_SECURE"] is True  # served over HTTPS
    assert settings["MEDIA_DIR"] == "/srv/media" and settings["MAX_DELIVERY_ATTEMPTS"] == 2


def test_postgres_urls_get_the_psycopg3_driver():
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_create_app_takes_overrides_and_registers_each_audience(tmp_path, monkeypatch):
    monkeypatch.setenv("COURIER_INSTANCE_DIR", str(tmp_path))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"})
    assert app.config["TESTING"] and app.config["SECRET_KEY"] == "k"
    assert {"auth", "courier", "dispatch", "citizen", "api", "pwa"} <= set(app.blueprints)
    assert {"sqlalchemy", "migrate", "csrf", "babel", "limiter"} <= set(app.extensions)


def test_every_response_carries_the_security_headers(tmp_path, monkeypatch):
    monkeypatch.setenv("COURIER_INSTANCE_DIR", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"})
    response = app.test_client().get("/login")
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self' covers it
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_checkpoint_key_and_log_default_outside_the_instance_folder(tmp_path):
    # The instance folder holds the database and is what backups copy: a witness kept there
    # would be restored, edited or deleted together with what it witnesses.
    instance, home = tmp_path / "instance", tmp_path / "home"
    settings = from_environment({"COURIER_INSTANCE_DIR": str(instance), "HOME": str(home)})
    assert settings["CHECKPOINT_KEY_FILE"] == str(home / ".local/state/courier/checkpoint_key.pem")
    assert settings["CHECKPOINT_LOG_FILE"] == str(home / ".local/state/courier/checkpoints.jsonl")
    assert settings["CHECKPOINT_EVERY_MINUTES"] == 60
    xdg = from_environment({"COURIER_INSTANCE_DIR": str(instance), "XDG_STATE_HOME": str(tmp_path / "xdg")})
    assert xdg["CHECKPOINT_LOG_FILE"] == str(tmp_path / "xdg/courier/checkpoints.jsonl")
    systemd = from_environment({"COURIER_INSTANCE_DIR": str(instance), "STATE_DIRECTORY": "/var/lib/courier-ledger"})
    assert systemd["CHECKPOINT_KEY_FILE"] == "/var/lib/courier-ledger/checkpoint_key.pem"
    for each in (settings, xdg, systemd):
        assert not each["CHECKPOINT_KEY_FILE"].startswith(str(instance))
        assert not each["CHECKPOINT_LOG_FILE"].startswith(str(instance))
