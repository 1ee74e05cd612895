"""VietQR payloads (NAPAS's EMVCo profile) for fees paid by bank transfer.

The courier's phone shows the code with the amount and the dossier code as
the transfer's message; any Vietnamese banking app reads it. Built on the
server while online and carried in the round, so it works offline too.
"""
import re
import unicodedata

NAPAS_GUID = "A000000727"
TRANSFER_TO_ACCOUNT = "QRIBFTTA"
MAX_MESSAGE = 25  # what banking apps carry through in the transfer's description


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is too long for a QR payload")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt(data: bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo payloads end with."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def payment_message(text: str) -> str:
    """ASCII letters, digits, spaces, dots and dashes: what every bank keeps intact."""
    ascii_text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in ascii_text if unicodedata.category(c) != "Mn")
    return re.sub(r"[^A-Za-z0-9 .\-]", " ", ascii_text).strip()[:MAX_MESSAGE]


def transfer_payload(bank_bin: str, account: str, amount: int, message: str) -> str:
    """The VietQR text for a transfer of `amount` đồng to `account` at the bank `bank_bin`.

    Raises ValueError for a malformed bank BIN (6 digits), account or amount.
    """
    if not re.fullmatch(r"\d{6}", bank_bin or ""):
        raise ValueError("a bank BIN has 6 digits")
    if not re.fullmatch(r"[0-9A-Za-z]{4,19}", account or ""):
        raise ValueError("an account number has 4 to 19 letters or digits")
    if not isinstance(amount, int) or amount <= 0:
        raise ValueError("the amount must be a positive number of đồng")
    beneficiary = _field("00", bank_bin) + _field("01", account)
    merchant = _field("00", NAPAS_GUID) + _field("01", beneficiary) + _field("02", TRANSFER_TO_ACCOUNT)
    body = (_field("00", "01") + _field("01", "12") + _field("38", merchant) + _field("53", "704")
            + _field("54", str(amount)) + _field("58", "VN")
            + _field("62", _field("08", payment_message(message))) + "6304")
    return body + crc16_ccitt(body.encode())
