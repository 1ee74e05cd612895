"""The report as files: an Excel workbook and CSV tables in the shape a province reports in.

The province's administrative-reform report counts, per agency, the results
returned through the postal service, how many on time and late, what could
not be delivered or went back, and the fees collected on the agency's behalf.
The first sheet (and the default CSV) has exactly that shape; the others
break the same figures down by courier, commune and day, and reconcile cash.
"""
import csv
import io

from flask_babel import gettext as _

from ..domain import addresses
from ..domain.formatting import format_date
from ..domain.reporting import Tally
from .reports import Report

DIMENSIONS = ("agency", "courier", "commune", "day")


def _columns(dimension: str) -> list[str]:
    first = {"agency": _("Cơ quan giải quyết"), "courier": _("Bưu tá"),
             "commune": _("Phường/Xã"), "day": _("Ngày")}[dimension]
    counts = [_("Tiếp nhận từ cơ quan"), _("Đã trả kết quả"), _("Đúng hạn"), _("Trễ hạn"),
              _("Tỷ lệ đúng hạn (%)"), _("Lượt phát không thành công"), _("Chuyển hoàn")]
    if dimension == "courier":  # a courier neither takes results in nor sends them back
        counts = [c for c in counts if c not in (_("Tiếp nhận từ cơ quan"), _("Chuyển hoàn"))]
    return [_("STT"), first, *counts, _("Phí, lệ phí thu hộ (đồng)"), _("Cước bưu chính (đồng)"),
            _("Thu tiền mặt (đồng)"), _("Thu chuyển khoản (đồng)")]


def _figures(tally: Tally, dimension: str) -> list:
    percent = tally.on_time_percent
    counts = [tally.received, tally.delivered, tally.on_time, tally.late,
              "" if percent is None else percent, tally.failed_visits, tally.returned]
    if dimension == "courier":
        counts = [tally.delivered, tally.on_time, tally.late, "" if percent is None else percent,
                  tally.failed_visits]
    return [*counts, tally.fee("agency"), tally.fee("postage"), tally.fee(method="cash"),
            tally.fee(method="transfer")]


def table(report: Report, dimension: str) -> list[list]:
    """The rows of one breakdown: a header, a numbered line per group, and the total."""
    groups = {
        "agency": [(agency.name, t) for agency, t in report.by_agency],
        "courier": [(user.full_name, t) for user, t in report.by_courier],
        "commune": [(addresses.ward_name(code), t) for code, t in report.by_commune],
        "day": [(format_date(day), t) for day, t in report.by_day],
    }[dimension]
    rows = [_columns(dimension)]
    rows += [[n, name, *_figures(t, dimension)] for n, (name, t) in enumerate(groups, start=1)]
    total = report.total if dimension != "courier" else _sum_couriers(report)
    rows.append(["", _("Tổng cộng"), *_figures(total, dimension)])
    return rows


def _sum_couriers(report: Report) -> Tally:
    total = Tally()
    for _user, t in report.by_courier:
        total.delivered += t.delivered
        total.on_time += t.on_time
        total.failed_visits += t.failed_visits
        for key, amount in t.fees.items():
            total.fees[key] += amount
    return total


def cash_table(report: Report) -> list[list]:
    rows = [[_("STT"), _("Bưu tá"), _("Tiền mặt đã thu (đồng)"), _("Đã nộp (đồng)"), _("Chênh lệch (đồng)")]]
    rows += [[n, user.full_name, line.collected, line.handed_in, line.difference]
             for n, (user, line) in enumerate(report.cash, start=1)]
    return rows


def _title(report: Report, office_name: str) -> list[list]:
    return [[_("BÁO CÁO TRẢ KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH")],
            [office_name],
            [_("Từ ngày %(start)s đến ngày %(end)s", start=format_date(report.start), end=format_date(report.end))],
            []]


def to_csv(report: Report, dimension: str) -> bytes:
    """One breakdown as CSV, UTF-8 with a byte-order mark so Excel reads the Vietnamese right."""
    out = io.StringIO()
    csv.writer(out).writerows(table(report, dimension))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report, office_name: str) -> bytes:
    """A workbook: the province's summary by agency first, then each breakdown and the cash."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheets = [(_("Theo cơ quan"), table(report, "agency")), (_("Theo bưu tá"), table(report, "courier")),
              (_("Theo phường xã"), table(report, "commune")), (_("Theo ngày"), table(report, "day")),
              (_("Đối soát tiền"), cash_table(report))]
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet's name
        for line in _title(report, office_name):
            sheet.append(line)
        sheet["A1"].font = Font(bold=True)
        header_row = sheet.max_row + 1
        for row in rows:
            sheet.append(row)
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["B"].width = 34
        for column in sheet.iter_cols(min_col=3, min_row=header_row + 1):
            sheet.column_dimensions[column[0].column_letter].width = 14
            for cell in column:  # whole đồng grouped by thousands; percentages to one decimal
                cell.number_format = "0.0" if isinstance(cell.value, float) else "#,##0"
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
