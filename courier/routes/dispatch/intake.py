"""Taking an agency's file in: upload, map its columns, preview every error, then import all or the valid rows."""
from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...domain.imports import template_csv
from ...extensions import db
from ...forms import IntakeConfirmForm, IntakeUploadForm, intake_agency_choices
from ...models import Agency
from ...services import importing, intake as intake_service
from .console import bp

STAGED = "intake_staged"  # session key: {"id", "filename", "user"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/intake", methods=["GET", "POST"])
def intake():
    agencies = _agencies()
    form = IntakeUploadForm()
    form.agency.choices = intake_agency_choices(agencies)
    if not form.validate_on_submit():
        return render_template("dispatch/intake.html", form=form), 400 if form.is_submitted() else 200
    upload = form.file.data
    # Only for showing it back and for its extension: the session is a cookie, keep it short.
    content, filename = upload.read(), (upload.filename or "")[-100:]
    checked, preview = importing.check(content, filename, current_user.post_office,
                                       agency=_chosen(form.agency.data, agencies))
    confirm = None
    if preview.file_error is None:
        _forget_staged()
        session[STAGED] = {"id": importing.stage(content, filename), "filename": filename,
                           "user": current_user.id}
        confirm = _confirm_form(session[STAGED]["id"], preview, agencies)
    return render_template("dispatch/intake.html", form=_upload_form(agencies), preview=preview,
                           filename=filename, confirm=confirm)


@bp.route("/intake/confirm", methods=["POST"])
def intake_confirm():
    agencies = _agencies()
    form = IntakeConfirmForm()
    form.agency.choices = intake_agency_choices(agencies)
    staged = session.get(STAGED) or {}
    content = None
    if form.validate_on_submit() and staged.get("id") == form.upload_id.data \
            and staged.get("user") == current_user.id:
        content = importing.load(staged["id"], staged["filename"])
    if content is None:
        flash(_("Không còn tệp đang chờ nhập. Hãy tải tệp lên lại."), "error")
        return redirect(url_for("dispatch.intake"))
    checked, preview = importing.check(
        content, staged["filename"], current_user.post_office, agency=_chosen(form.agency.data, agencies),
        encoding=form.encoding.data or None, mapping=[name or None for name in form.mapping.data])
    valid_only = bool(form.import_valid.data)
    if form.recheck.data or checked is None or (checked.errors and not valid_only):
        if not form.recheck.data:
            flash(_("Tệp còn lỗi nên chưa nhập gì. Hãy sửa tệp, hoặc chọn chỉ nhập các dòng hợp lệ."), "error")
        return render_template("dispatch/intake.html", form=_upload_form(agencies), preview=preview,
                               filename=staged["filename"], confirm=form), 200 if form.recheck.data else 422
    result = intake_service.take_in(checked, current_user.post_office, current_user, valid_only=valid_only)
    if preview.agency is not None:
        intake_service.remember_mapping(preview.agency, [c.header for c in preview.columns], preview.mapping)
    db.session.commit()
    _forget_staged()
    flash(ngettext("Đã nhập %(num)s hồ sơ.", "Đã nhập %(num)s hồ sơ.", len(result.created)), "info")
    if result.already_known:
        flash(ngettext("%(num)s hồ sơ đã có từ trước nên không nhập lại.",
                       "%(num)s hồ sơ đã có từ trước nên không nhập lại.", len(result.already_known)), "info")
    if valid_only and checked.errors:
        flash(ngettext("%(num)s dòng có lỗi đã được bỏ qua.", "%(num)s dòng có lỗi đã được bỏ qua.",
                       len(checked.error_rows)), "info")
    return redirect(url_for("dispatch.intake"))


def _agencies() -> list[Agency]:
    return list(intake_service.office_agencies(current_user.post_office).values())


def _chosen(agency_id: str | None, agencies: list[Agency]) -> Agency | None:
    """The agency picked on the page; the select offers only the office's, so anything else is none."""
    return next((a for a in agencies if str(a.id) == agency_id), None)


def _upload_form(agencies) -> IntakeUploadForm:
    form = IntakeUploadForm(formdata=None)
    form.agency.choices = intake_agency_choices(agencies)
    return form


def _confirm_form(staged_id: str, preview, agencies) -> IntakeConfirmForm:
    """The mapping step, filled in with what was read: the agency, the encoding, each column's field."""
    form = IntakeConfirmForm(formdata=None, upload_id=staged_id,
                             agency=str(preview.agency.id) if preview.agency else "",
                             encoding=preview.encoding or "", mapping=[name or "" for name in preview.mapping])
    form.agency.choices = intake_agency_choices(agencies)
    return form


@bp.route("/intake/template.csv")
def intake_template_csv():
    return Response(template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="mau-nhap-ho-so.csv"'})


@bp.route("/intake/template.xlsx")
def intake_template_xlsx():
    return Response(importing.template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-nhap-ho-so.xlsx"'})


def _forget_staged() -> None:
    staged = session.pop(STAGED, None)
    if staged:
        importing.discard(staged.get("id"), staged.get("filename", ""))
