"""The batch list (biên bản bàn giao hồ sơ) an office prints for an agency, as an A4 PDF.

Drawn with Pillow like the labels (domain/labels.py), so no other PDF library is needed:
a title, who hands over to whom and when, one row per envelope, the totals, and room for
both sides to sign. Long lists run onto more pages, each with the table's header.
"""
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from .formatting import format_vnd
from .labels import font_of

DPI = 150
A4 = (1240, 1754)  # at 150 dpi
MARGIN = 90
ROW = 58  # two lines of 18 px
# Column left edges and widths, in pixels at DPI: no., code, procedure, applicant, pages, fee.
COLUMNS = ((0, 60), (60, 250), (310, 330), (640, 190), (830, 80), (910, 150))  # 1060 = A4 less margins


@dataclass(frozen=True)
class Line:
    dossier_code: str
    procedure: str
    applicant: str
    pages: int | None
    fee_collected: int


@dataclass(frozen=True)
class BatchList:
    number: str
    made_at: str       # already formatted, Vietnam time
    post_office: str
    agency: str
    lines: list[Line]


def batch_list_pdf(batch: BatchList) -> bytes:
    """The PDF for a batch list; one page per ROWS_PER_PAGE envelopes (at least one page)."""
    pages = [_page(batch, batch.lines[start:start + ROWS_PER_PAGE], start, number + 1, _page_count(batch))
             for number, start in enumerate(range(0, max(len(batch.lines), 1), ROWS_PER_PAGE))]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return out.getvalue()


ROWS_PER_PAGE = 24


def _page_count(batch: BatchList) -> int:
    return max(1, -(-len(batch.lines) // ROWS_PER_PAGE))


def _page(batch: BatchList, lines: list[Line], first: int, number: int, count: int) -> Image.Image:
    page = Image.new("L", A4, 255)
    pen = ImageDraw.Draw(page)
    y = _heading(pen, batch, number, count)
    y = _row(pen, y, ("STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Số tờ", "Lệ phí thu"), bold=True)
    for index, line in enumerate(lines, start=first + 1):
        y = _row(pen, y, (str(index), line.dossier_code, line.procedure, line.applicant,
                          "" if line.pages is None else str(line.pages), format_vnd(line.fee_collected)))
    if number == count:
        _totals_and_signatures(pen, y, batch)
    return page


def _heading(pen: ImageDraw.ImageDraw, batch: BatchList, number: int, count: int) -> int:
    pen.text((A4[0] // 2, MARGIN), "BIÊN BẢN BÀN GIAO HỒ SƠ", font=font_of(True, 40), anchor="mt", fill=0)
    pen.text((A4[0] // 2, MARGIN + 56), f"Số {batch.number} · {batch.made_at}", font=font_of(False, 26),
             anchor="mt", fill=0)
    y = MARGIN + 120
    for text in (f"Bên giao: {batch.post_office}", f"Bên nhận: {batch.agency}",
                 f"Trang {number}/{count}"):
        pen.text((MARGIN, y), text, font=font_of(False, 26), fill=0)
        y += 38
    return y + 16


def _row(pen: ImageDraw.ImageDraw, y: int, cells: tuple[str, ...], bold: bool = False) -> int:
    font = font_of(bold, 18)
    for (left, width), text in zip(COLUMNS, cells):
        pen.rectangle((MARGIN + left, y, MARGIN + left + width, y + ROW), outline=0, width=2)
        pen.multiline_text((MARGIN + left + 7, y + ROW // 2), "\n".join(_two_lines(pen, text, font, width - 14)),
                           font=font, anchor="lm", spacing=4, fill=0)
    return y + ROW


def _totals_and_signatures(pen: ImageDraw.ImageDraw, y: int, batch: BatchList) -> None:
    pages = sum(line.pages or 0 for line in batch.lines)
    fees = sum(line.fee_collected for line in batch.lines)
    pen.text((MARGIN, y + 24), f"Tổng cộng: {len(batch.lines)} hồ sơ · {pages} tờ · lệ phí thu hộ {format_vnd(fees)}",
             font=font_of(True, 24), fill=0)
    top = y + 110
    for left, who in ((MARGIN, "BÊN GIAO (Bưu điện)"), (A4[0] // 2 + 20, "BÊN NHẬN (Bộ phận một cửa)")):
        pen.text((left, top), who, font=font_of(True, 24), fill=0)
        pen.text((left, top + 36), "(Ký, ghi rõ họ tên)", font=font_of(False, 20), fill=0)


def _two_lines(pen: ImageDraw.ImageDraw, text: str, font, room: int) -> list[str]:
    """The text in at most two lines that fit `room`, broken between words, the second cut with an
    ellipsis if it still runs out of its cell."""
    words, first = text.split(), ""
    while words and pen.textlength((first + " " + words[0]).strip(), font=font) <= room:
        first = (first + " " + words.pop(0)).strip()
    rest = " ".join(words)
    if not first:  # one word longer than the cell
        return [_cut(pen, text, font, room)]
    return [first, _cut(pen, rest, font, room)] if rest else [first]


def _cut(pen: ImageDraw.ImageDraw, text: str, font, room: int) -> str:
    if pen.textlength(text, font=font) <= room:
        return text
    while text and pen.textlength(text + "…", font=font) > room:
        text = text[:-1]
    return text + "…"
