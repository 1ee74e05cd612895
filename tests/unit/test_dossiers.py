"""Checking dossiers as agencies send them: every problem reported, nothing guessed."""
from datetime import date

import pytest

from courier.domain.dossiers import DossierInvalid, check_dossier, parse_date
from courier.vocabulary import DOSSIER_ERRORS

GOOD = {
    "code": "000.00.17.H47-261120-0001", "procedure_name": "Đăng ký khai sinh",
    "applicant_name": "Võ Thị Mai", "applicant_phone": "0905 123 456", "street": "45 Hùng Vương",
    "ward": "Phường Tam Kỳ", "province": "Thành phố Đà Nẵng", "due_date": "30/11/2026",
    "fee_agency": "50.000", "fee_postage": 25000, "expected_id_tail": "1234",
    "authorised_persons": [{"full_name": "Võ Văn Nam", "relationship": "anh trai"}],
}


def test_a_good_dossier_is_normalised():
    clean = check_dossier(GOOD)
    assert clean.applicant_phone == "0905123456"
    assert clean.ward_code == 20341 and clean.province_code == 48
    assert clean.due_date == date(2026, 11, 30)
    assert (clean.fee_agency, clean.fee_postage) == (50_000, 25_000)
    assert clean.authorised_persons[0]["relationship_to_applicant"] == "anh trai"


def test_codes_of_divisions_work_as_well_as_names():
    clean = check_dossier(dict(GOOD, ward="20341", province=48))
    assert (clean.ward_code, clean.province_code) == (20341, 48)


def test_every_problem_is_reported_at_once():
    bad = dict(GOOD, code="HS-1", applicant_name=" ", applicant_phone="12345", ward="Phường Không Có",
               due_date="31/02/2026", fee_agency="-5", latitude="200", longitude="108.5",
               expected_id_tail="12ab")
    with pytest.raises(DossierInvalid) as refused:
        check_dossier(bad)
    assert refused.value.errors == {
        "code": "invalid_code", "applicant_name": "required", "applicant_phone": "invalid_phone",
        "ward": "unknown_ward", "due_date": "invalid_date", "fee_agency": "invalid_amount",
        "latitude": "invalid_coordinates", "expected_id_tail": "invalid_id_tail",
    }
    assert all(code in DOSSIER_ERRORS for code in refused.value.errors.values())


def test_a_commune_of_another_province_is_refused():
    with pytest.raises(DossierInvalid) as refused:
        check_dossier(dict(GOOD, ward="20341", province="Thành phố Huế"))  # Tam Kỳ is in Đà Nẵng
    assert refused.value.errors == {"ward": "unknown_ward"}


def test_pre_2025_provinces_are_refused():
    with pytest.raises(DossierInvalid) as refused:
        check_dossier(dict(GOOD, province="Quảng Nam"))
    assert refused.value.errors == {"province": "unknown_province"}


def test_an_agencys_own_code_format_is_accepted():
    assert check_dossier(dict(GOOD, code="TX-2026/00042"), r"TX-\d{4}/\d{5}").code == "TX-2026/00042"


@pytest.mark.parametrize("raw,expected", [
    ("05/01/2026", date(2026, 1, 5)), ("2026-01-05", date(2026, 1, 5)), (date(2026, 1, 5), date(2026, 1, 5)),
])
def test_dates_in_vietnamese_and_iso_form(raw, expected):
    assert parse_date(raw) == expected


def test_one_coordinate_without_the_other_is_refused():
    with pytest.raises(DossierInvalid) as refused:
        check_dossier(dict(GOOD, latitude="15.57"))
    assert refused.value.errors == {"latitude": "invalid_coordinates"}


@pytest.mark.parametrize("raw,expected", [
    (1_250_000, 1_250_000), (25000.0, 25_000), ("1.250.000", 1_250_000), ("1,250,000", 1_250_000),
    ("1.250.000 ₫", 1_250_000), ("25000", 25_000), ("0", 0),
])
def test_amounts_as_agencies_write_them(raw, expected):
    assert check_dossier(dict(GOOD, fee_agency=raw)).fee_agency == expected


@pytest.mark.parametrize("raw", ["-5", "12.5", 12.5, "1.25", "abc", True, "999999999999"])
def test_amounts_that_are_not_whole_dong_are_refused(raw):
    with pytest.raises(DossierInvalid) as refused:
        check_dossier(dict(GOOD, fee_agency=raw))
    assert refused.value.errors == {"fee_agency": "invalid_amount"}
