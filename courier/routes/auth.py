"""Logging in and out, the language switch, and the front door."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from ..auth import blueprint_roles, home_for, public, safe_next
from ..extensions import db, limiter
from ..forms import ConfirmForm, LoginForm
from ..models import Role, User

bp = blueprint_roles(Blueprint("auth", __name__), Role.COURIER, Role.DISPATCHER, Role.ADMIN)

# Checked when the username is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$k3WlqA4Vx0Hn1B7y$" + "0" * 128


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


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
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif user.active and user.check_password(form.password.data):
            lang = session.get("lang")
            session.clear()  # a fresh session: nothing from before login carries over
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or home_for(user))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    ConfirmForm()  # CSRF is checked by CSRFProtect before we get here
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>")
@public
def language(code: str):
    """Switch the interface language; only changes this browser's session."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("auth.index"))
