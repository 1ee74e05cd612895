"""Web forms (Flask-WTF): validation and CSRF in one place, messages in Vietnamese."""
import uuid
from contextlib import nullcontext

from flask import has_request_context, request
from flask_babel import force_locale, lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (BooleanField, DateField, FieldList, HiddenField, IntegerField, PasswordField, RadioField,
                     SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from .domain import passwords
from .domain.formatting import local_today


class FlaskForm(_FlaskForm):
    """Flask-WTF's form, reading only what a browser's form sends (every form here is one):
    text in its text fields, files in its file fields."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            # Flask-WTF reads a JSON body as the form's data, and a file sent under any field's
            # name as that field's value; a list, an object or a file where text belongs then
            # ends in a 500. Neither comes from a page's form: the form is sent back instead,
            # with what is missing said (the CSRF token too, for a JSON body).
            if formdata is not _Auto or not has_request_context():
                return super().wrap_formdata(form, formdata)
            if request.is_json:
                return None
            files = [(name, upload) for name, upload in request.files.items(multi=True)
                     if isinstance(getattr(form, name, None), FileField)]
            return CombinedMultiDict((MultiDict(files), request.form)) if files else request.form or None


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[
        DataRequired(_l("Hãy nhập mật khẩu.")), Length(max=256)])
    remember = BooleanField(_l("Ghi nhớ trên máy này"))


class ConfirmForm(FlaskForm):
    """A form with no fields: a button whose POST carries only the CSRF token."""


# Why a chosen password is refused (codes from domain/passwords.py).
PASSWORD_PROBLEMS = {
    passwords.BLANK: _l("Mật khẩu không được chỉ gồm dấu cách."),
    passwords.TOO_SHORT: _l("Mật khẩu quá ngắn: cần ít nhất %(count)d ký tự.", count=passwords.MIN_LENGTH),
    passwords.TOO_LONG: _l("Mật khẩu quá dài: tối đa %(count)d ký tự.", count=passwords.MAX_LENGTH),
    passwords.PERSONAL: _l("Mật khẩu dựa vào tên người dùng hoặc tên bưu điện, dễ bị đoán. Hãy chọn mật khẩu khác."),
    passwords.GUESSABLE: _l("Mật khẩu quá phổ biến hoặc dễ đoán (dãy số, lặp lại, từ thông dụng). "
                            "Hãy dùng một câu ngắn gồm vài từ không liền nghĩa."),
}


def password_refusal(password: str, user_words) -> str | None:
    """Why `password` may not be chosen by a user known by `user_words`, in words; None if it may."""
    problem = passwords.password_problem(password, user_words)
    if problem is None:
        return None
    with nullcontext() if has_request_context() else force_locale("vi"):  # the CLI speaks Vietnamese
        return str(PASSWORD_PROBLEMS[problem])


class NewPasswordForm(FlaskForm):
    """An administrator sets a user's new password; the strength rule is checked by the view."""
    # InputRequired, not DataRequired: a password of spaces reaches the rule, which says why not.
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        InputRequired(_l("Hãy nhập mật khẩu mới.")), Length(max=passwords.MAX_LENGTH)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[InputRequired(_l("Hãy nhập lại mật khẩu mới."))])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("Hai lần nhập mật khẩu không giống nhau."))


# -- The dispatcher's console ------------------------------------------------------------------

_INVALID = _l("Lựa chọn không hợp lệ.")


def choices(pairs, everything=None) -> list[SelectChoice]:
    """Menu options from (value, label) pairs; `everything` labels a first, empty option ("all")."""
    options = [SelectChoice("", str(everything))] if everything is not None else []
    return options + [SelectChoice(str(value), str(label)) for value, label in pairs]


def record_id(value) -> int | None:
    """A select's or a query string's record id: an empty choice is None, anything else must be a
    positive whole number that fits the databases' integer columns (else ValueError, which
    `request.args.get(name, type=record_id)` turns into None)."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if not 0 < number < 2**31:
        raise ValueError("not a record's id")
    return number


def _within_years(form, field) -> None:
    """A date people work with: years 2000-2099, so that no arithmetic on it runs off the calendar."""
    if field.data and not 2000 <= field.data.year <= 2099:
        raise ValidationError(_l("Ngày phải trong các năm 2000–2099."))


def _id_menu(label, *validators) -> SelectField:
    """A menu of records by id, with an empty "all" option; its choices are set by the view."""
    return SelectField(label, coerce=record_id, validate_choice=False, invalid_value_message=_INVALID,
                       validators=list(validators) or [Optional()])


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class GetForm(FlaskForm):
    """A filter form read from the query string: no CSRF token, since it changes nothing."""

    class Meta:
        csrf = False


# What each dossier field is called on the mapping step (the template's header words).
INTAKE_FIELDS = [
    SelectChoice("agency_code", _l("Mã cơ quan")), SelectChoice("code", _l("Mã hồ sơ")), SelectChoice("procedure_name", _l("Tên thủ tục")),
    SelectChoice("applicant_name", _l("Họ tên người nhận")), SelectChoice("applicant_phone", _l("Số điện thoại")),
    SelectChoice("street", _l("Địa chỉ")), SelectChoice("ward", _l("Phường/Xã")), SelectChoice("province", _l("Tỉnh/Thành phố")),
    SelectChoice("legacy_district", _l("Quận/Huyện (cũ)")), SelectChoice("latitude", _l("Vĩ độ")), SelectChoice("longitude", _l("Kinh độ")),
    SelectChoice("due_date", _l("Ngày hẹn trả")), SelectChoice("fee_agency", _l("Phí lệ phí")), SelectChoice("fee_postage", _l("Cước phát")),
    SelectChoice("expected_id_tail", _l("4 số cuối giấy tờ")), SelectChoice("authorised_name", _l("Người được ủy quyền")),
    SelectChoice("authorised_relationship", _l("Quan hệ với người nộp")),
]
INTAKE_ENCODINGS = [SelectChoice("", _l("Tự nhận biết")), SelectChoice("utf-8", "UTF-8"),
                    SelectChoice("utf-16", "UTF-16 (Unicode)"), SelectChoice("cp1258", "Windows-1258 (tiếng Việt)"),
                    SelectChoice("cp1252", "Windows-1252")]


class IntakeUploadForm(FlaskForm):
    """The agency's file; the agency's choices are the office's agencies, set by the view."""
    file = FileField(_l("Tệp danh sách hồ sơ (.xlsx, .xls, .csv, .tsv hoặc .txt)"), validators=[
        FileRequired(_l("Hãy chọn tệp cần nhập.")),
        FileAllowed(["csv", "tsv", "txt", "xlsx", "xls"], _l("Chỉ nhận tệp .xlsx, .xls, .csv, .tsv hoặc .txt."))])
    agency = SelectField(_l("Cơ quan"), choices=[], default="")


class IntakeConfirmForm(FlaskForm):
    """The mapping step and the import: agency, encoding and each column's field, then a button."""
    upload_id = HiddenField(validators=[DataRequired()])
    agency = SelectField(_l("Cơ quan"), choices=[], default="")
    encoding = SelectField(_l("Bảng mã"), choices=INTAKE_ENCODINGS, default="")
    mapping = FieldList(SelectField(choices=[SelectChoice("", _l("— bỏ qua cột này —"))] + INTAKE_FIELDS))
    recheck = SubmitField(_l("Kiểm tra lại với cách đọc này"))
    import_all = SubmitField(_l("Nhập"))
    import_valid = SubmitField(_l("Chỉ nhập các dòng hợp lệ"))


def intake_agency_choices(agencies) -> list[tuple[str, str]]:
    """The agency select's choices: read from the codes, or one of the office's agencies."""
    return choices([(a.id, f"{a.name} ({a.code})") for a in agencies], _l("Theo mã hồ sơ trong tệp"))


class PickShipmentsForm(FlaskForm):
    """Shipments ticked in a list, by public id; the view checks each belongs to the office."""

    shipment = SelectMultipleField(coerce=_uuid, validate_choice=False, invalid_value_message=_INVALID)

    def validate_shipment(self, field):
        if not field.data:
            raise ValidationError(_l("Hãy chọn ít nhất một bưu gửi."))


class ScanForm(FlaskForm):
    code = StringField(_l("Quét hoặc gõ mã hồ sơ"), validators=[
        DataRequired(_l("Hãy quét hoặc gõ mã hồ sơ.")), Length(max=500)])


class LabelFilterForm(GetForm):
    agency = _id_menu(_l("Cơ quan"))
    commune = _id_menu(_l("Phường/Xã"))
    due = DateField(_l("Hẹn trả đến ngày"), validators=[Optional(), _within_years])
    unprinted = BooleanField(_l("Chỉ bưu gửi chưa in nhãn"))


class PrintLabelsForm(PickShipmentsForm):
    layout = RadioField(_l("Khổ in"), default="a4", choices=[
        SelectChoice("a4", _l("Tờ A4 (2 × 7 nhãn)")),
        SelectChoice("thermal", _l("Nhãn nhiệt 80 mm (một nhãn)"))])


class RoundPickForm(GetForm):
    courier = _id_menu(_l("Bưu tá"))
    day = DateField(_l("Ngày phát"), validators=[Optional(), _within_years])
    agency = _id_menu(_l("Cơ quan"))
    commune = _id_menu(_l("Phường/Xã"))
    due = DateField(_l("Hẹn trả đến ngày"), validators=[Optional(), _within_years])


class AddToRoundForm(PickShipmentsForm):
    courier = IntegerField(validators=[DataRequired()])
    day = DateField(validators=[DataRequired(), _within_years])

    def validate_day(self, field):
        if field.data and field.data < local_today():
            raise ValidationError(_l("Không xếp tuyến cho ngày đã qua."))


class MoveStopForm(FlaskForm):
    to_courier = _id_menu(_l("Chuyển sang bưu tá"), DataRequired(_l("Hãy chọn bưu tá.")))


class ReassignForm(FlaskForm):
    courier = _id_menu(_l("Bưu tá"), DataRequired(_l("Hãy chọn bưu tá.")))
    day = DateField(_l("Ngày phát"), validators=[DataRequired(_l("Hãy chọn ngày phát.")), _within_years])

    def validate_day(self, field):
        if field.data and field.data < local_today():
            raise ValidationError(_l("Không xếp tuyến cho ngày đã qua."))


class ReasonForm(FlaskForm):
    """An action that must say why (cancelling)."""

    reason = TextAreaField(_l("Lý do"), validators=[
        DataRequired(_l("Hãy ghi lý do.")), Length(max=500)])


class NoteForm(FlaskForm):
    """An action with an optional note (rescheduling, sending back, handing back)."""

    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=500)])


class ResolveForm(FlaskForm):
    """Marking a concern on the board handled: what was done must be said."""

    note = TextAreaField(_l("Đã xử lý thế nào"), validators=[
        DataRequired(_l("Hãy ghi ngắn gọn đã xử lý thế nào.")),
        Length(max=500, message=_l("Ghi chú dài quá 500 ký tự: hãy viết ngắn lại."))])


class ShipmentSearchForm(GetForm):
    q = StringField(_l("Mã hồ sơ, tên hoặc số điện thoại"), validators=[Optional(), Length(max=120)])
    state = SelectField(_l("Trạng thái"), validate_choice=False)
    agency = _id_menu(_l("Cơ quan"))
    commune = _id_menu(_l("Phường/Xã"))
    due = DateField(_l("Hẹn trả"), validators=[Optional(), _within_years])


class ConfirmReceiptForm(FlaskForm):
    """The citizen confirms the result reached them, with an optional rating."""

    rating = RadioField(_l("Đánh giá (không bắt buộc)"), choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
                        validators=[Optional()])
    comment = TextAreaField(_l("Góp ý (không bắt buộc)"), validators=[Optional(), Length(max=300)])


class DisputeForm(FlaskForm):
    """The citizen says the result has not reached them."""

    comment = TextAreaField(_l("Điều gì đã xảy ra? (không bắt buộc)"), validators=[Optional(), Length(max=300)])


class CitizenNoteForm(FlaskForm):
    """A short note for the courier before delivery."""

    note = TextAreaField(_l("Lời nhắn cho bưu tá"), validators=[
        DataRequired(_l("Hãy nhập lời nhắn.")), Length(max=300, message=_l("Tối đa 300 ký tự."))])


class AcknowledgeForm(FlaskForm):
    """The agency's desk takes a dossier in; the values are checked by domain.acknowledgement."""

    official_code = StringField(_l("Mã hồ sơ của cơ quan"), validators=[Length(max=80)])
    promised_date = StringField(_l("Ngày hẹn trả kết quả"), validators=[Length(max=20)])


class SendBackForm(FlaskForm):
    """The agency's desk returns a dossier to be completed; the reason is checked by domain.acknowledgement."""

    reason = TextAreaField(_l("Lý do cần bổ sung (người dân sẽ đọc)"), validators=[Length(max=1000)])


class CancelPickupForm(FlaskForm):
    """The citizen withdraws a pickup request, ticking that they mean it (a slip of the thumb must not)."""

    sure = BooleanField(_l("Tôi chắc chắn muốn hủy yêu cầu này"),
                        validators=[DataRequired(_l("Hãy đánh dấu để xác nhận hủy."))])


class CitizenPhoneCheckForm(FlaskForm):
    """The link's holder proves to be the citizen with the last 4 digits of the phone the agency has."""

    # ASCII digits only ([0-9], not \d, which takes "١٢٣٤" and "１２３４"): a keyboard's other digits get
    # this message rather than a wrong answer counted against the link.
    digits = StringField(_l("Nhập 4 số cuối số điện thoại đã đăng ký với cơ quan"),
                         filters=[lambda value: value.strip() if isinstance(value, str) else value],
                         validators=[DataRequired(_l("Hãy nhập 4 số cuối số điện thoại.")),
                                     Regexp(r"^[0-9]{4}\Z", message=_l("Hãy nhập đúng 4 chữ số, từ 0 đến 9."))])


class ReportRangeForm(GetForm):
    """The period a report covers: Vietnamese calendar days, both ends included."""

    start = DateField(_l("Từ ngày"), validators=[Optional(), _within_years])
    end = DateField(_l("Đến ngày"), validators=[Optional(), _within_years])

    MAX_DAYS = 366  # a year: the province reports by month, quarter and year

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Ngày cuối phải sau ngày đầu."))
            if (field.data - self.start.data).days >= self.MAX_DAYS:
                raise ValidationError(_l("Mỗi báo cáo tối đa một năm (366 ngày)."))


def parse_vnd(text: str) -> int:
    """Whole đồng as people type them: '1.250.000', '1 250 000 ₫', '-50000'. Raises ValueError."""
    cleaned = text.strip().replace("₫", "").replace("đ", "").replace("Đ", "")
    for separator in (".", ",", " ", "\u00a0"):
        cleaned = cleaned.replace(separator, "")
    if not cleaned.lstrip("-").isdigit():
        raise ValueError(text)
    return int(cleaned)


class CashHandInForm(FlaskForm):
    """Cash a courier hands in at the desk; a negative amount corrects an earlier entry."""

    courier = _id_menu(_l("Bưu tá"), DataRequired(_l("Hãy chọn bưu tá.")))
    handed_on = DateField(_l("Ngày làm việc"), validators=[DataRequired(_l("Hãy chọn ngày.")), _within_years])
    amount = StringField(_l("Số tiền (đồng)"), validators=[DataRequired(_l("Hãy nhập số tiền."))])
    note = StringField(_l("Ghi chú"), validators=[Optional(), Length(max=200)])

    def validate_handed_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("Không ghi nộp tiền cho ngày chưa tới."))

    def validate_amount(self, field):
        try:
            field.amount = parse_vnd(field.data or "")
        except ValueError:
            raise ValidationError(_l("Số tiền phải là số đồng, ví dụ 1.250.000.")) from None
        if field.amount == 0 or abs(field.amount) > 10_000_000_000:
            raise ValidationError(_l("Số tiền phải khác 0 và dưới 10 tỷ đồng."))
        if field.amount < 0 and not (self.note.data or "").strip():
            raise ValidationError(_l("Số âm là điều chỉnh: hãy ghi lý do vào ô ghi chú."))


# -- The administrator's catalogue of procedures -----------------------------------------------------
# Every field is text, checked by domain/procedures.py, so a wrong value comes back as it was typed.
from wtforms import Form as _WTForm, FormField  # noqa: E402 (kept with the forms that use it)

class ProcedureDocumentForm(_WTForm):
    """One document row; a row with no name is left out (the spare rows of the form)."""
    name = TextAreaField(_l("Thành phần hồ sơ"), validators=[Length(max=2000)])
    copies = StringField(_l("Số bản"), default="1", validators=[Length(max=20)])
    original = BooleanField(_l("Bản chính"))
    required = BooleanField(_l("Bắt buộc"), default=True)


class ProcedureForm(FlaskForm):
    """A procedure of an agency with its documents; "thêm dòng" adds a spare document row."""
    SPARE_ROWS = 2
    agency = SelectField(_l("Cơ quan"), choices=[], validate_choice=False)
    code = StringField(_l("Mã thủ tục (trên Cổng Dịch vụ công)"), validators=[Length(max=100)])
    name = TextAreaField(_l("Tên thủ tục"), validators=[Length(max=2000)])
    fee_agency = StringField(_l("Phí, lệ phí của cơ quan (đồng)"), default="0", validators=[Length(max=40)])
    processing_days = StringField(_l("Thời hạn giải quyết (ngày làm việc)"), validators=[Length(max=40)])
    documents = FieldList(FormField(ProcedureDocumentForm), min_entries=3, max_entries=40)
    add_row = SubmitField(_l("Thêm dòng"))
    save = SubmitField(_l("Lưu thủ tục"))


class ProcedureImportForm(FlaskForm):
    """A catalogue file for one of the office's agencies."""
    file = FileField(_l("Tệp danh mục thủ tục (.xlsx, .xls, .csv, .tsv hoặc .txt)"), validators=[
        FileRequired(_l("Hãy chọn tệp cần nhập.")),
        FileAllowed(["csv", "tsv", "txt", "xlsx", "xls"], _l("Chỉ nhận tệp .xlsx, .xls, .csv, .tsv hoặc .txt."))])
    # Any value but one of the office's agencies is answered by the view, in words.
    agency = SelectField(_l("Cơ quan"), choices=[], validate_choice=False)


class ProcedureImportConfirmForm(FlaskForm):
    upload_id = HiddenField(validators=[DataRequired()])
    agency = HiddenField(validators=[DataRequired()])
