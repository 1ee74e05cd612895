"""Dossier codes, phone numbers and addresses as agencies send them."""
import pytest

from courier.domain.addresses import (
    UnknownDivision, check_ward_in_province, find_province, find_ward, province, ward, ward_name,
)
from courier.domain.validation import InvalidCode, check_agency_code, check_dossier_code, normalise_phone


@pytest.mark.parametrize("code", ["000.00.17.H47-231212-0001", " 000.20.33.H47-250701-12345 "])
def test_national_dossier_codes_are_accepted(code):
    assert check_dossier_code(code) == code.strip()


@pytest.mark.parametrize("code", ["", "H47-231212-0001", "000.00.17.H47-2312-0001", "000.00.17.h47-231212-0001"])
def test_malformed_dossier_codes_are_refused(code):
    with pytest.raises(InvalidCode):
        check_dossier_code(code)


def test_an_agencys_own_format_is_accepted_where_configured():
    pattern = r"TK-\d{4}/\d{5}"
    assert check_dossier_code("TK-2026/00042", pattern) == "TK-2026/00042"
    with pytest.raises(InvalidCode):
        check_dossier_code("TK-2026/42", pattern)


def test_agency_codes():
    assert check_agency_code("000.00.17.H47") == "000.00.17.H47"
    with pytest.raises(InvalidCode):
        check_agency_code("H47")


@pytest.mark.parametrize("raw,expected", [
    ("0905 123 456", "0905123456"), ("+84 905123456", "0905123456"), ("84355123456", "0355123456"),
    ("0235.3851.234", "02353851234"),
])
def test_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "0105123456", "09051234567", "abc"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(InvalidCode):
        normalise_phone(raw)


def test_communes_belong_to_the_2025_provinces():
    assert province(48).name == "Thành phố Đà Nẵng"
    tam_ky = find_ward("Phường Tam Kỳ", 48)
    assert check_ward_in_province(tam_ky.code, 48).name == "Phường Tam Kỳ"
    assert find_ward("tam xuan", 48).name == "Xã Tam Xuân"


def test_a_commune_in_another_province_is_refused():
    hue_huong_tra = find_ward("Phường Hương Trà", 46)
    with pytest.raises(UnknownDivision):
        check_ward_in_province(hue_huong_tra.code, 48)


def test_unknown_divisions_are_refused():
    with pytest.raises(UnknownDivision):
        ward(999_999)
    with pytest.raises(UnknownDivision):
        province(49)  # Quảng Nam's old code: merged into Đà Nẵng in 2025
    with pytest.raises(UnknownDivision):
        find_province("Quảng Nam")
    assert find_province("Da Nang").code == 48


def test_a_ward_no_longer_in_the_catalogue_shows_its_code_or_nothing():
    """A dispatcher sees the code to look it up; the courier's address line leaves it out."""
    assert ward_name(20341) == ward_name(20341, unknown="") == "Phường Tam Kỳ"
    assert ward_name(999_999) == "999999"
    assert ward_name(999_999, unknown="") == ""
    assert ward_name(None) == ""
