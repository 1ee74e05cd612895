"""Web forms (Flask-WTF): validation and CSRF in one place, messages in Vietnamese."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu.")), Length(max=256)])
    remember = BooleanField(_l("Ghi nhớ trên máy này"))


class ConfirmForm(FlaskForm):
    """A form with no fields: a button whose POST carries only the CSRF token."""
