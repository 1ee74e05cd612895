"""The office's accounts: a new password, lock and unlock; each change ends the user's sessions."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func

from ...extensions import db
from ...forms import ConfirmForm, NewPasswordForm, password_refusal
from ...models import User, UserSession
from .blueprint import bp


def _office_user(user_id: int) -> User:
    """A user of the admin's own office, or 404 (another office's accounts are not theirs)."""
    user = db.session.get(User, user_id)
    if user is None or user.post_office_id != current_user.post_office_id:
        abort(404)
    return user


@bp.route("/users")
def users():
    people = db.session.execute(db.select(User).filter_by(post_office_id=current_user.post_office_id)
                                .order_by(User.active.desc(), User.role, User.username)).scalars().all()
    last_login = dict(db.session.execute(
        db.select(UserSession.user_id, func.max(UserSession.created_at))
        .where(UserSession.user_id.in_([p.id for p in people])).group_by(UserSession.user_id)).all())
    return render_template("admin/users.html", people=people, last_login=last_login,
                           password_form=NewPasswordForm(), confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def set_password(user_id: int):
    user = _office_user(user_id)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("admin.users"))
    refusal = password_refusal(form.password.data, [user.username, user.full_name])
    if refusal:
        flash(_("Chưa đổi mật khẩu của %(name)s: %(reason)s", name=user.username, reason=refusal), "error")
        return redirect(url_for("admin.users"))
    user.set_password(form.password.data)
    db.session.commit()
    flash(_("Đã đặt mật khẩu mới cho %(name)s; các phiên đăng nhập của tài khoản này đã kết thúc.",
            name=user.username), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/lock", methods=["POST"])
def lock(user_id: int):
    ConfirmForm()  # CSRF is checked by CSRFProtect before we get here
    user = _office_user(user_id)
    if user.id == current_user.id:
        flash(_("Không thể tự khóa tài khoản của chính mình."), "error")
        return redirect(url_for("admin.users"))
    user.set_active(False)
    db.session.commit()
    flash(_("Đã khóa tài khoản %(name)s; các phiên đăng nhập của tài khoản này đã kết thúc.",
            name=user.username), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
def unlock(user_id: int):
    ConfirmForm()
    user = _office_user(user_id)
    user.set_active(True)
    db.session.commit()
    flash(_("Đã mở khóa tài khoản %(name)s.", name=user.username), "info")
    return redirect(url_for("admin.users"))
