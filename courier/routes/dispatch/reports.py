"""Reports for a date range: on the page with charts, as Excel and CSV, and the cash counted in."""
from datetime import date, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.addresses import ward_name
from ...domain.formatting import format_vnd, local_today
from ...extensions import db
from ...forms import CashHandInForm, ReportRangeForm, choices
from ...services import intake_reports, planning, report_export, reports
from ...vocabulary import CHANNEL_LABELS
from .console import bp, flash_form_errors, office_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period() -> tuple[ReportRangeForm, date, date]:
    """The range asked for, or this month so far; a bad range is shown on the form, not an error page."""
    form = ReportRangeForm(formdata=request.args)
    today = local_today()
    if not form.validate():
        return form, today.replace(day=1), today
    end = form.end.data
    start = form.start.data or (end or today).replace(day=1)
    end = end or max(start, min(today, _month_end(start)))  # a month asked by its first day
    form.start.data, form.end.data = start, end
    return form, start, end


def _shortcuts(today: date) -> list[tuple[str, date, date]]:
    """The periods a province asks for most: this month, last month, this quarter, this year."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    return [(_("Hôm nay"), today, today), (_("Tháng này"), today.replace(day=1), today),
            (_("Tháng trước"), last_month_end.replace(day=1), last_month_end),
            (_("Quý này"), quarter_start, today), (_("Năm nay"), today.replace(month=1, day=1), today)]


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@bp.route("/reports")
def reports_page():
    form, start, end = _period()
    report = reports.office_report(office_id(), start, end)
    cash_form = CashHandInForm(formdata=None, handed_on=min(end, local_today()))
    everyone = planning.couriers(office_id(), active_only=False)  # one who left may still hand in cash
    cash_form.courier.choices = choices(((c.id, c.full_name) for c in everyone), _("Chọn bưu tá"))
    return render_template("dispatch/reports.html", form=form, report=report, cash_form=cash_form,
                           hand_ins=reports.recent_hand_ins(office_id(), start, end, limit=10),
                           chart=_chart_data(report), shortcuts=_shortcuts(local_today()),
                           agency_rows=[(agency.name, t) for agency, t in report.by_agency],
                           courier_rows=[(user.full_name, t) for user, t in report.by_courier],
                           commune_rows=[(ward_name(code), t) for code, t in report.by_commune],
                           **_intake(start, end))


def _intake(start: date, end: date) -> dict:
    """The intake report and its rows with their names, for the page's tables."""
    intake = intake_reports.intake_report(office_id(), start, end, current_app.config["INTAKE_LIMIT_DAYS"])
    return {"intake": intake, "intake_rows": {
        "procedure": intake.by_procedure,
        "channel": [(CHANNEL_LABELS.get(channel, channel), t) for channel, t in intake.by_channel],
        "agency": [(agency.name, t) for agency, t in intake.by_agency],
        "commune": [(ward_name(code), t) for code, t in intake.by_commune]}}


@bp.route("/reports/export.xlsx")
def reports_xlsx():
    _form, start, end = _period()
    report = reports.office_report(office_id(), start, end)
    content = report_export.to_xlsx(report, current_user.post_office.name)
    return Response(content, mimetype=XLSX, headers=_attachment(start, end, "xlsx"))


@bp.route("/reports/export.csv")
def reports_csv():
    _form, start, end = _period()
    dimension = request.args.get("by", "agency")
    if dimension not in report_export.DIMENSIONS:
        abort(404)
    report = reports.office_report(office_id(), start, end)
    return Response(report_export.to_csv(report, dimension), mimetype="text/csv",
                    headers=_attachment(start, end, "csv", dimension))


@bp.route("/reports/cash", methods=["POST"])
def reports_cash():
    form = CashHandInForm()
    couriers = {c.id: c for c in planning.couriers(office_id(), active_only=False)}
    form.courier.choices = choices(((c.id, c.full_name) for c in couriers.values()), _("Chọn bưu tá"))
    valid = form.validate()
    if valid and form.courier.data not in couriers:
        form.courier.errors.append(_("Hãy chọn bưu tá."))
    elif valid:
        courier = couriers[form.courier.data]
        reports.record_hand_in(office_id(), courier, form.handed_on.data, form.amount.amount,
                               (form.note.data or "").strip() or None, current_user)
        db.session.commit()
        flash(_("Đã ghi %(name)s nộp %(amount)s ngày %(day)s.", name=courier.full_name,
                amount=format_vnd(form.amount.amount), day=form.handed_on.data.strftime("%d/%m/%Y")), "success")
    flash_form_errors(form)
    return redirect(url_for("dispatch.reports_page", start=request.form.get("start") or None,
                            end=request.form.get("end") or None) + "#cash")


def _attachment(start: date, end: date, extension: str, dimension: str | None = None) -> dict:
    name = f"bao-cao-{start.isoformat()}-{end.isoformat()}{'-' + dimension if dimension else ''}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def _chart_data(report: reports.Report) -> dict:
    """What the charts draw, read by static/js/dispatch/reports.js from a JSON script tag."""
    return {
        "days": [day.strftime("%d/%m") for day, _t in report.by_day],
        "on_time": [t.on_time for _d, t in report.by_day],
        "late": [t.late for _d, t in report.by_day],
        "failed": [t.failed_visits for _d, t in report.by_day],
        "couriers": [user.full_name for user, _t in report.by_courier],
        "courier_delivered": [t.delivered for _u, t in report.by_courier],
        "courier_failed": [t.failed_visits for _u, t in report.by_courier],
        "labels": {"on_time": _("Đúng hạn"), "late": _("Trễ hạn"), "failed": _("Không thành công"),
                   "delivered": _("Đã trả")},
    }
