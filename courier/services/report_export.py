"""The report as files: an Excel workbook and CSV tables in the shape a province reports in.

The province's administrative-reform report counts, per agency, the results
returned through the postal service, how many on time and late, what could
not be delivered or went back, and the fees collected on the agency's behalf.
The first sheet (and the default CSV) has exactly that shape; the others
break the same figures down by courier, commune and day, and reconcile cash.

Names come from users (an agency's, a courier's, the office's), so every text
cell goes through `as_text` first: a spreadsheet must show them, never run them.
"""
import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain import addresses
from ..domain.formatting import format_date, format_datetime
from ..domain.reporting import Tally
from ..vocabulary import CHAIN_LABELS
from .reports import Report

DIMENSIONS = ("agency", "courier", "commune", "day")

# What makes Excel or LibreOffice read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A text cell a spreadsheet shows as typed: one starting like a formula gets a leading quote.

    Numbers pass unchanged (a negative difference is a figure, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _percent(tally: Tally):
    return "" if tally.on_time_percent is None else tally.on_time_percent


# One list for the headers and the figures under them: (header, figure, counts a movement).
# A courier neither takes results in nor sends them back, so their table leaves movements out.
_COUNTS = (
    (_l("Tiếp nhận từ cơ quan"), lambda t: t.received, True),
    (_l("Đã trả kết quả"), lambda t: t.delivered, False),
    (_l("Đúng hạn"), lambda t: t.on_time, False),
    (_l("Trễ hạn"), lambda t: t.late, False),
    (_l("Tỷ lệ đúng hạn (%)"), _percent, False),
    (_l("Lượt phát không thành công"), lambda t: t.failed_visits, False),
    (_l("Chuyển hoàn"), lambda t: t.returned, True),
    (_l("Phí, lệ phí thu hộ (đồng)"), lambda t: t.fee("agency"), False),
    (_l("Cước bưu chính (đồng)"), lambda t: t.fee("postage"), False),
    (_l("Thu tiền mặt (đồng)"), lambda t: t.fee(method="cash"), False),
    (_l("Thu chuyển khoản (đồng)"), lambda t: t.fee(method="transfer"), False),
)


def _counts(dimension: str):
    return [column for column in _COUNTS if not (column[2] and dimension == "courier")]


def _columns(dimension: str) -> list[str]:
    first = {"agency": _("Cơ quan giải quyết"), "courier": _("Bưu tá"),
             "commune": _("Phường/Xã"), "day": _("Ngày")}[dimension]
    return [_("STT"), first, *(str(header) for header, _figure, _movement in _counts(dimension))]


def _figures(tally: Tally, dimension: str) -> list:
    return [figure(tally) for _header, figure, _movement in _counts(dimension)]


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
    rows.append(["", _("Tổng cộng"), *_figures(report.total, dimension)])
    return rows


def cash_table(report: Report) -> list[list]:
    rows = [[_("STT"), _("Bưu tá"), _("Tiền mặt đã thu (đồng)"), _("Đã nộp (đồng)"), _("Chênh lệch (đồng)")]]
    rows += [[n, user.full_name, line.collected, line.handed_in, line.difference]
             for n, (user, line) in enumerate(report.cash, start=1)]
    return rows


def checkpoint_table(report: Report) -> list[list]:
    """Each chain's last signed head by the range's end, whole, to compare with the log and the agencies'."""
    rows = [[_("Chuỗi"), _("Số bản ghi"), _("Mã băm (SHA-256)"), _("Thời điểm ký")]]
    # The chain's name as people say it, and as the log and the agencies' copies spell it.
    rows += [[f"{CHAIN_LABELS.get(c.chain, c.chain)} ({c.chain})", c.seq, c.hash, format_datetime(c.created_at)]
             for c in report.checkpoints]
    return rows


def _title(report: Report, office_name: str) -> list[list]:
    return [[_("BÁO CÁO TRẢ KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH")],
            [office_name],
            [_("Từ ngày %(start)s đến ngày %(end)s", start=format_date(report.start), end=format_date(report.end))],
            []]


def to_csv(report: Report, dimension: str) -> bytes:
    """One breakdown as CSV, UTF-8 with a byte-order mark so Excel reads the Vietnamese right."""
    out = io.StringIO()
    csv.writer(out).writerows([as_text(value) for value in row] for row in table(report, dimension))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(report: Report, office_name: str) -> bytes:
    """A workbook: the province's summary by agency first, then each breakdown and the cash."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheets = [(_("Theo cơ quan"), table(report, "agency")), (_("Theo bưu tá"), table(report, "courier")),
              (_("Theo phường xã"), table(report, "commune")), (_("Theo ngày"), table(report, "day")),
              (_("Đối soát tiền"), cash_table(report)), (_("Điểm kiểm tra"), checkpoint_table(report))]
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit on a sheet's name
        for line in _title(report, office_name):
            _append(sheet, line)
        sheet["A1"].font = Font(bold=True)
        header_row = sheet.max_row + 1
        for row in rows:
            _append(sheet, row)
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


def _append(sheet, values: list) -> None:
    """Add a row whose text stays text: openpyxl alone would store "=…" as a formula.

    The cell keeps the exact words, typed as a string, with Excel's quote prefix
    for those that look like formulas (shown as text, also once edited).
    """
    from openpyxl.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            cell.quotePrefix = value.startswith(FORMULA_STARTS)
        cells.append(cell)
    sheet.append(cells)
