"""QR labels for envelopes: an A4 sheet of 2×7 and a single 80 mm thermal label.

The QR code carries the shipment's citizen link (error correction M, so a
scuffed or slightly blurred label still reads); the text beside it lets a
person sort envelopes without a phone. Drawn with qrcode and Pillow in
greyscale at print resolution and written as PDF, so any printer takes it.
"""
import io
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
A4_DPI, THERMAL_DPI = 300, 203
MM_PER_INCH = 25.4
A4_MM, A4_GRID = (210, 297), (2, 7)
THERMAL_MM = (80, 50)
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
MASK = 2


@dataclass(frozen=True)
class LabelData:
    """What one label shows."""

    link: str            # goes into the QR code
    dossier_code: str
    recipient: str
    commune: str
    due_date: str        # already formatted, dd/mm/yyyy
    caption: str = ""    # e.g. "Hẹn trả", translated by the caller


def qr_image(link: str, side: int) -> Image.Image:
    """The link as a QR code at most `side` pixels square, whole pixels per module."""
    # A fixed mask skips the search over all eight (three quarters of the time spent);
    # any mask is valid, and error correction M carries the readability.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, mask_pattern=MASK)
    code.add_data(link)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (modules, modules), pixels)
    scale = max(1, side // modules)
    return small.resize((modules * scale, modules * scale), Image.NEAREST)


def draw_label(label: LabelData, size: tuple[int, int], dpi: int) -> Image.Image:
    """One label: the QR on the left, the text on the right."""
    width, height = size
    canvas = Image.new("L", size, 255)
    pad = _mm(3, dpi)
    qr = qr_image(label.link, height - 2 * pad)
    canvas.paste(qr, (pad, (height - qr.height) // 2))
    pen = ImageDraw.Draw(canvas)
    x, y = pad + qr.width + pad // 2, pad
    room = width - x - pad
    for text, bold, points in (
        (label.dossier_code, True, 9), (label.recipient, True, 12),
        (label.commune, False, 10), (f"{label.caption} {label.due_date}".strip(), False, 10),
    ):
        font = font_of(bold, round(points * dpi / 72))
        for line in _wrap(pen, text, font, room)[:2]:
            pen.text((x, y), line, font=font, fill=0)
            y += round(font.size * 1.3)
    return canvas


def a4_sheet_pdf(labels: list[LabelData]) -> bytes:
    """All labels on A4 pages, 2 columns × 7 rows, as one PDF."""
    return _pdf(sheet_pages(labels), A4_DPI)


def sheet_pages(labels: list[LabelData]) -> list[Image.Image]:
    """The A4 pages as bilevel images, 2 columns × 7 rows of labels each."""
    page_size = (_mm(A4_MM[0], A4_DPI), _mm(A4_MM[1], A4_DPI))
    columns, rows = A4_GRID
    cell = (page_size[0] // columns, page_size[1] // rows)
    pages = []
    for start in range(0, len(labels), columns * rows):
        page = Image.new("L", page_size, 255)
        for index, label in enumerate(labels[start:start + columns * rows]):
            row, column = divmod(index, columns)
            page.paste(draw_label(label, cell, A4_DPI), (column * cell[0], row * cell[1]))
        pages.append(_bilevel(page))  # a tenth of the bytes, and crisp edges
    return pages


def thermal_label_pdf(label: LabelData) -> bytes:
    """One 80 × 50 mm label for a thermal printer, as a one-page PDF."""
    size = (_mm(THERMAL_MM[0], THERMAL_DPI), _mm(THERMAL_MM[1], THERMAL_DPI))
    return _pdf([_bilevel(draw_label(label, size, THERMAL_DPI))], THERMAL_DPI)


def _pdf(pages: list[Image.Image], dpi: int) -> bytes:
    if not pages:
        raise ValueError("no labels to print")
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def _mm(millimetres: float, dpi: int) -> int:
    return round(millimetres / MM_PER_INCH * dpi)


@lru_cache(maxsize=16)
def font_of(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    """The printed papers' face (DejaVu Sans, which has every Vietnamese letter) at a pixel size."""
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), pixels)


def _wrap(pen: ImageDraw.ImageDraw, text: str, font, room: int) -> list[str]:
    """Break text into lines that fit `room` pixels, at word boundaries where possible."""
    for width in range(max(8, len(text)), 4, -1):
        lines = textwrap.wrap(text, width) or [""]
        if all(pen.textlength(line, font=font) <= room for line in lines):
            return lines
    return textwrap.wrap(text, 5)


def _bilevel(page: Image.Image) -> Image.Image:
    # A plain threshold: dithering would fray the QR modules' edges and cost time.
    return page.convert("1", dither=Image.Dither.NONE)
