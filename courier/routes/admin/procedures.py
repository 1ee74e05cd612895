"""The catalogue of procedures sent by post: list, add and edit, deactivate, import from a file.

Only the agencies the office serves (services/intake.office_agencies); another office's
procedure is a 404.
"""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...domain.procedures import ProcedureInvalid, check_procedure
from ...extensions import db
from ...forms import ConfirmForm, ProcedureForm, ProcedureImportConfirmForm, ProcedureImportForm, record_id
from ...models import Agency, Procedure
from ...services import importing, procedures as catalogue
from ...services.intake import office_agencies
from .blueprint import bp

STAGED = "procedure_import"  # session key: {"id", "filename", "user", "agency"}


def _agencies() -> list[Agency]:
    return list(office_agencies(current_user.post_office).values())


def _agency(agency_id, agencies: list[Agency]) -> Agency | None:
    """One of the office's agencies by the id a form sent; anything else is none."""
    return next((a for a in agencies if str(a.id) == str(agency_id)), None)


def _office_procedure(procedure_id: int) -> Procedure:
    procedure = catalogue.office_procedure(current_user.post_office, procedure_id)
    if procedure is None:
        abort(404)
    return procedure


@bp.route("/procedures")
def procedures():
    agencies = _agencies()
    chosen = _agency(request.args.get("agency", type=record_id), agencies)
    listed = catalogue.office_procedures(current_user.post_office, chosen)
    return render_template("admin/procedures.html", agencies=agencies, chosen=chosen, procedures=listed,
                           confirm=ConfirmForm())


@bp.route("/procedures/new", methods=["GET", "POST"])
def new_procedure():
    return _procedure_page(None)


@bp.route("/procedures/<int:procedure_id>", methods=["GET", "POST"])
def edit_procedure(procedure_id: int):
    return _procedure_page(_office_procedure(procedure_id))


def _procedure_page(procedure: Procedure | None):
    """The add or edit form: "Thêm dòng" gives a spare row, "Lưu" checks every field and saves."""
    agencies = _agencies()
    form = ProcedureForm() if request.method == "POST" else _filled_form(procedure)
    form.agency.choices = [(str(a.id), f"{a.name} ({a.code})") for a in agencies]
    if request.method == "POST" and form.validate_on_submit() and not form.add_row.data:
        agency = procedure.agency if procedure else _agency(form.agency.data, agencies)
        saved = _save(form, agency, procedure)
        if saved is not None:
            db.session.commit()
            flash(_("Đã lưu thủ tục %(code)s.", code=saved.code), "info")
            return redirect(url_for("admin.procedures", agency=saved.agency_id))
        flash(_("Chưa lưu: hãy sửa các ô báo lỗi bên dưới."), "error")
    elif form.add_row.data and len(form.documents) < form.documents.max_entries:
        form.documents.append_entry()
    status = 400 if request.method == "POST" and not form.add_row.data else 200
    return render_template("admin/procedure_form.html", form=form, procedure=procedure), status


def _filled_form(procedure: Procedure | None) -> ProcedureForm:
    if procedure is None:
        return ProcedureForm(formdata=None)
    documents = [{"name": d.name, "copies": str(d.copies), "original": d.original, "required": d.required}
                 for d in procedure.documents]
    form = ProcedureForm(formdata=None, agency=str(procedure.agency_id), code=procedure.code, name=procedure.name,
                         fee_agency=f"{procedure.fee_agency:,}".replace(",", "."), processing_days=str(procedure.processing_days),
                         documents=documents + [{}] * ProcedureForm.SPARE_ROWS)
    return form


def _save(form: ProcedureForm, agency: Agency | None, procedure: Procedure | None) -> Procedure | None:
    """Check the form with the domain's rules and save; on a problem, put each message on its field."""
    rows = [(index, entry.form) for index, entry in enumerate(form.documents) if (entry.form.name.data or "").strip()]
    raw = {"code": form.code.data, "name": form.name.data, "fee_agency": form.fee_agency.data,
           "processing_days": form.processing_days.data,
           "documents": [{"name": row.name.data, "copies": row.copies.data, "original": row.original.data,
                          "required": row.required.data} for _i, row in rows]}
    if agency is None:
        _add_error(form.agency, _("Hãy chọn cơ quan."))
        return None
    try:
        return catalogue.save(agency, check_procedure(raw), procedure)
    except ProcedureInvalid as invalid:
        for key, code in invalid.errors.items():
            if key.startswith("documents."):
                _documents, index, name = key.split(".")
                _add_error(getattr(rows[int(index)][1], name), catalogue.message(code))
            elif key == "documents":
                _add_error(form.documents, catalogue.message(code))
            else:
                _add_error(getattr(form, key), catalogue.message(code))
    except catalogue.CodeTaken:
        _add_error(form.code, catalogue.message("taken"))
    return None


def _add_error(field, message: str) -> None:
    field.errors = [*(e for e in field.errors if isinstance(e, str)), message]


@bp.route("/procedures/<int:procedure_id>/deactivate", methods=["POST"])
def deactivate_procedure(procedure_id: int):
    return _set_active(procedure_id, False)


@bp.route("/procedures/<int:procedure_id>/activate", methods=["POST"])
def activate_procedure(procedure_id: int):
    return _set_active(procedure_id, True)


def _set_active(procedure_id: int, active: bool):
    """Take the procedure in by post again, or no longer (its dossiers keep it either way)."""
    procedure = _office_procedure(procedure_id)
    catalogue.set_active(procedure, active)
    db.session.commit()
    if active:
        flash(_("Đã nhận lại thủ tục %(code)s qua bưu điện.", code=procedure.code), "info")
    else:
        flash(_("Đã ngừng nhận thủ tục %(code)s qua bưu điện; hồ sơ cũ vẫn giữ thủ tục này.", code=procedure.code),
              "info")
    return redirect(url_for("admin.procedures", agency=procedure.agency_id))


@bp.route("/procedures/import", methods=["GET", "POST"])
def import_procedures():
    agencies = _agencies()
    form = ProcedureImportForm()
    form.agency.choices = [("", _("— chọn cơ quan —"))] + [(str(a.id), f"{a.name} ({a.code})") for a in agencies]
    agency = _agency(form.agency.data, agencies)
    if not form.validate_on_submit() or agency is None:
        if form.is_submitted() and agency is None:
            form.agency.errors = [_("Hãy chọn cơ quan.")]
        return render_template("admin/procedure_import.html", form=form), 400 if form.is_submitted() else 200
    upload = form.file.data
    content, filename = upload.read(), (upload.filename or "")[-100:]
    checked, preview = catalogue.check_file(content, filename, agency)
    confirm = None
    if checked is not None and not checked.errors and checked.valid:
        _forget_staged()
        staged_id = importing.stage(content, filename)
        session[STAGED] = {"id": staged_id, "filename": filename, "user": current_user.id, "agency": agency.id}
        confirm = ProcedureImportConfirmForm(formdata=None, upload_id=staged_id, agency=str(agency.id))
    return render_template("admin/procedure_import.html", form=form, preview=preview, filename=filename,
                           agency=agency, confirm=confirm)


@bp.route("/procedures/import/confirm", methods=["POST"])
def import_procedures_confirm():
    form = ProcedureImportConfirmForm()
    staged = session.get(STAGED) or {}
    agency = _agency(staged.get("agency"), _agencies())
    content = None
    if form.validate_on_submit() and staged.get("id") == form.upload_id.data and agency is not None \
            and staged.get("user") == current_user.id and form.agency.data == str(agency.id):
        content = importing.load(staged["id"], staged["filename"])
    if content is None:
        flash(_("Không còn tệp đang chờ nhập. Hãy tải tệp lên lại."), "error")
        return redirect(url_for("admin.import_procedures"))
    checked, preview = catalogue.check_file(content, staged["filename"], agency)
    if checked is None or checked.errors:
        flash(_("Tệp còn lỗi nên chưa nhập gì. Hãy sửa tệp rồi tải lên lại."), "error")
        return redirect(url_for("admin.import_procedures"))
    count = catalogue.take_in(checked, agency)
    db.session.commit()
    _forget_staged()
    flash(ngettext("Đã nhập %(num)s thủ tục.", "Đã nhập %(num)s thủ tục.", count), "info")
    return redirect(url_for("admin.procedures", agency=agency.id))


def _forget_staged() -> None:
    staged = session.pop(STAGED, None)
    if staged:
        importing.discard(staged.get("id"), staged.get("filename", ""))
