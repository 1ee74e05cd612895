"""Files shaped like a one-stop-shop system's export, made by the tests, in every format agencies send.

The export has a title row and a blank row above its header, its own header
words in its own order (no agency column: the agency is in the codes), phones
and dates written several ways, a pre-2025 district, a blank row between
records, and rows 4, 7 and 9 broken. Rows 11 and 12 import but warn.
"""
import csv
import io
import unicodedata

from openpyxl import Workbook

AGENCY = "000.00.17.H47"
TITLE = "DANH SÁCH HỒ SƠ TRẢ KẾT QUẢ QUA DỊCH VỤ BƯU CHÍNH CÔNG ÍCH"
HEADERS = ["STT", "Số hồ sơ", "Họ và tên người nhận", "Điện thoại", "Tên thủ tục hành chính",
           "Địa chỉ nhận kết quả", "Phường/Xã", "Quận/Huyện", "Tỉnh/Thành phố", "Ngày hẹn trả", "Lệ phí (đồng)"]
HEADER_ROW = 3
DANANG = "Thành phố Đà Nẵng"


def record(n, code, name, phone, due, ward="Phường Tam Kỳ", district="", province=DANANG,
            street="12 Phan Châu Trinh", fee="0"):
    return [str(n), code, name, phone, "Cấp phiếu lý lịch tư pháp", street, ward, district, province, due, fee]


# Spreadsheet row → its cells; row 8 is blank.
RECORDS = {
    4: record(1, f"{AGENCY}-261127-0001", "Nguyễn Văn An", "12345", "30/11/2026"),          # bad phone
    5: record(2, f"{AGENCY}-261127-0002", "Trần Thị Bích Ngọc", "0905 123 456", "30/11/2026"),
    6: record(3, f"{AGENCY}-261127-0003", "Lê Văn Tâm", "+84 935 222 111", "2026-12-01"),
    7: record(4, f"{AGENCY}-261127-0004", "Phạm Thị Hoa", "0905111222", "31/02/2026"),       # no such date
    9: record(6, f"{AGENCY}-261127-0002", "Võ Văn Bình", "0905333444", "30/11/2026"),        # repeats row 5
    10: record(7, f"{AGENCY}-261127-0005", "Đặng Thị Mai", "0935.456.789", "02/12/2026",
                district="Thành phố Tam Kỳ", street="15 Hùng Vương, khối phố 3"),           # pre-2025 district
    11: record(8, "000.00.17.H17-261127-0006", "Huỳnh Văn Phúc", "0905555666", "02/12/2026"),  # other prefix
    12: record(9, f"{AGENCY}-261127-0007", "Ngô Thị Lan", "0905777888", "03/12/2026",
                ward="Phường Hoàn Kiếm", province="Thành phố Hà Nội"),                     # other province
    13: record(10, f"{AGENCY}-261127-0008", "Bùi Văn Hùng", "", "03/12/2026", fee="200.000"),
}
BROKEN = {4: ("Điện thoại", "12345"), 7: ("Ngày hẹn trả", "31/02/2026"), 9: ("Số hồ sơ", f"{AGENCY}-261127-0002")}
VALID_CODES = [RECORDS[n][1] for n in (5, 6, 10, 11, 12, 13)]


def grid(records=None) -> list[list[str]]:
    """The export's spreadsheet rows from row 1, blank rows as empty lists."""
    records = RECORDS if records is None else records
    rows = [[TITLE], [], HEADERS]
    for number in range(HEADER_ROW + 1, max(records) + 1):
        rows.append(records.get(number, []))
    return rows


def export_csv(encoding="utf-8-sig", delimiter=",", records=None) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(grid(records))
    if encoding == "cp1258":
        return cp1258(out.getvalue())
    return out.getvalue().encode(encoding)


def export_xlsx(records=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in grid(records):
        sheet.append(row or [None])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))  # the title spans
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_xls(records=None) -> bytes:
    """The export as an Excel 97-2003 workbook, as older one-stop-shop systems write it: the title
    merged across the header, and the dates Excel can read written as date cells."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write_merge(0, 0, 0, len(HEADERS) - 1, TITLE)
    for index, cells in enumerate(grid(records)[1:], start=1):
        for column, value in enumerate(cells):
            try:
                day = datetime.datetime.strptime(value, "%d/%m/%Y") if column == 9 else None
            except ValueError:
                day = None  # 31/02/2026 stays text, as a typist left it
            sheet.write(index, column, day or value, date_style if day else xlwt.Style.default_style)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: a letter precomposed where the code page has it, the tone apart."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in decomposed if c in TONES)
            letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
            out += (letter + tones).encode("cp1258")
    return bytes(out)


FORMATS = [
    (lambda: export_csv(), "ho-so-mot-cua.csv", "utf-8"),
    (lambda: export_xlsx(), "ho-so-mot-cua.xlsx", None),
    (lambda: export_csv("utf-16", "\t"), "ho-so-mot-cua.txt", "utf-16"),
    (lambda: export_csv("cp1258", ";"), "ho-so-mot-cua.csv", "cp1258"),
    (lambda: export_csv("utf-8", "\t"), "ho-so-mot-cua.tsv", "utf-8"),
    (lambda: export_xls(), "ho-so-mot-cua.xls", None),
]


def _rewritten(content: bytes, changes: dict[str, bytes]) -> bytes:
    """An XLSX with some of its zip parts replaced or added."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            target.writestr(part.filename, changes.pop(part.filename, source.read(part.filename)))
        for name, data in changes.items():
            target.writestr(name, data)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """1-2 KB: a real header, one cell at XFD20000, so the sheet declares 20,000 × 16,384 cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet["XFD20000"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """The export with a part that inflates a thousandfold."""
    return _rewritten(export_xlsx(), {"xl/media/padding.bin": b"\0" * (8 * 1024 * 1024)})


def entity_bomb() -> bytes:
    """The export whose shared strings declare a billion laughs."""
    laughs = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{laughs}]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           '<si><t>&l9;</t></si></sst>')
    return _rewritten(export_xlsx(), {"xl/sharedStrings.xml": xml.encode()})


def long_field() -> bytes:
    """A CSV whose record on row 5 holds a 200 KB cell."""
    records = {4: RECORDS[5], 5: record(2, f"{AGENCY}-261127-0009", "x" * 200_000, "0905123456", "30/11/2026")}
    return export_csv(records=records)


def formula_cell() -> bytes:
    """The export with a formula (and no cached value) where row 5's code should be."""
    book = Workbook()
    sheet = book.active
    for row in grid({4: RECORDS[5], 5: RECORDS[6]}):
        sheet.append(row or [None])
    sheet["B5"] = '="000.00.17.H47-261127-"&"0003"'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
