"""Logging in and out, the language switch, and the front door."""
import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

from ..auth import blueprint_roles, end_login, home_for, public, safe_next, start_login
from ..extensions import db, limiter
from ..forms import ConfirmForm, LoginForm
from ..models import Role, User, login_throttle
from ..models.user import _hash_method

bp = blueprint_roles(Blueprint("auth", __name__), Role.COURIER, Role.DISPATCHER, Role.ADMIN, Role.AGENCY_DESK)

# Checked when there is no password to check (unknown name), made with the same method as real
# hashes, so every failure costs the same time as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-password", method=method)
    return _DUMMY_HASHES[method]


def _password_ok(user: User | None, password: str) -> bool:
    """One hash check whatever the case: unknown, locked, deactivated or a real try."""
    return check_password_hash(user.password_hash if user else _dummy_hash(), password)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_username_key)
def login():
    """Every failure (unknown name, locked name, locked account, wrong password) takes the same
    path: one hash check, one answer, and the name's failure count in the database."""
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
        wait = login_throttle.locked_for(username)
        matches = _password_ok(user, form.password.data)
        if matches and user is not None and user.active and not wait:
            login_throttle.record_success(username)
            start_login(user, remember=form.remember.data)  # commits
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        if not wait:
            wait = login_throttle.record_failure(username)
        db.session.commit()
        if wait:
            flash(_("Tên đăng nhập này tạm bị khóa vì nhập sai nhiều lần. Hãy thử lại sau khoảng %(minutes)d phút.",
                    minutes=math.ceil(wait / 60)), "error")
            return _login_page(form), 429, {"Retry-After": str(wait)}
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return _login_page(form)


def _login_page(form: LoginForm) -> str:
    return render_template("auth/login.html", form=form, courier_days=current_app.config["COURIER_SESSION_DAYS"])


@bp.route("/logout", methods=["POST"])
def logout():
    ConfirmForm()  # CSRF is checked by CSRFProtect before we get here
    end_login()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>")
@public
def language(code: str):
    """Switch the interface language; only changes this browser's session."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("auth.index"))
