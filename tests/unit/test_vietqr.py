"""VietQR transfer payloads: the EMVCo layout banking apps read."""
import pytest

from courier.domain.vietqr import crc16_ccitt, payment_message, transfer_payload


def parse(payload: str) -> dict:
    fields, rest = {}, payload
    while rest:
        tag, length = rest[:2], int(rest[2:4])
        fields[tag], rest = rest[4:4 + length], rest[4 + length:]
    return fields


def test_the_crc_is_the_ccitt_false_check_value():
    assert crc16_ccitt(b"123456789") == "29B1"  # the catalogue check value of CRC-16/CCITT-FALSE


def test_a_transfer_carries_bank_account_amount_and_dossier_code():
    payload = transfer_payload("970436", "0011001234567", 225_000, "000.00.17.H47-261127-0001")
    fields = parse(payload)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["53"] == "704" and fields["58"] == "VN"
    merchant = parse(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert parse(merchant["01"]) == {"00": "970436", "01": "0011001234567"}
    assert fields["54"] == "225000"
    assert parse(fields["62"])["08"] == "000.00.17.H47-261127-0001"
    assert payload[-4:] == crc16_ccitt(payload[:-4].encode())


def test_messages_are_plain_ascii_and_short():
    assert payment_message("Lệ phí hồ sơ Đăng ký") == "Le phi ho so Dang ky"
    assert len(payment_message("x" * 40)) == 25


@pytest.mark.parametrize("bank,account,amount", [("97043", "001", 1), ("970436", "", 1), ("970436", "0011", 0)])
def test_bad_bank_details_are_refused(bank, account, amount):
    with pytest.raises(ValueError):
        transfer_payload(bank, account, amount, "x")
