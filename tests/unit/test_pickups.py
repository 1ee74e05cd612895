"""A pickup request's rules, as the public page and the clerk's page both apply them."""
from datetime import date

import pytest

from courier.domain.pickups import PickupInvalid, check_request, new_reference

TODAY = date(2026, 12, 3)
WARD, OTHER_WARD = 20341, 20275  # Phường Tam Kỳ; Phường An Hải, which the office does not serve


def raw(**fields) -> dict:
    return {"procedure": "7", "applicant_name": " Lê  Thị Hoa ", "applicant_phone": "+84 912 345 678",
            "street": "45 Trần Cao Vân", "ward": str(WARD), "preferred_date": "04/12/2026",
            "preferred_slot": "morning", "consent": "y", "note": ""} | fields


def check(**fields):
    return check_request(raw(**fields), today=TODAY, procedure_ids={7}, ward_codes={WARD})


def errors_of(**fields) -> dict:
    with pytest.raises(PickupInvalid) as invalid:
        check(**fields)
    return invalid.value.errors


def test_a_good_request_is_tidied():
    clean = check()
    assert (clean.applicant_name, clean.applicant_phone, clean.province_code) == ("Lê Thị Hoa", "0912345678", 48)
    assert clean.preferred_date == date(2026, 12, 4) and clean.note is None


@pytest.mark.parametrize("fields,expected", [
    ({"procedure": ""}, {"procedure": "required"}),
    ({"procedure": "8"}, {"procedure": "unknown_procedure"}),
    ({"procedure": "1 OR 1=1"}, {"procedure": "unknown_procedure"}),
    ({"applicant_name": "  "}, {"applicant_name": "required"}),
    ({"applicant_name": "A" * 121}, {"applicant_name": "too_long"}),
    ({"applicant_name": "Hoa\x00"}, {"applicant_name": "invalid_text"}),
    ({"applicant_phone": "12345"}, {"applicant_phone": "invalid_phone"}),
    ({"ward": "999999"}, {"ward": "unknown_ward"}),
    ({"ward": str(OTHER_WARD)}, {"ward": "ward_not_served"}),
    ({"preferred_date": "03/12/2026"}, {"preferred_date": "too_soon"}),
    ({"preferred_date": "18/12/2026"}, {"preferred_date": "too_far"}),
    ({"preferred_date": "mai"}, {"preferred_date": "invalid_date"}),
    ({"preferred_slot": "night"}, {"preferred_slot": "invalid_choice"}),
    ({"consent": ""}, {"consent": "consent_required"}),
    ({"note": "x" * 301}, {"note": "too_long"}),
])
def test_each_problem_is_named_by_its_field(fields, expected):
    assert errors_of(**fields) == expected


def test_every_problem_is_reported_at_once():
    assert set(errors_of(procedure="", applicant_phone="", ward="", preferred_date="", preferred_slot="",
                         consent="")) == {"procedure", "applicant_phone", "ward", "preferred_date",
                                          "preferred_slot", "consent"}


def test_the_last_bookable_day_is_two_weeks_ahead():
    assert check(preferred_date="17/12/2026").preferred_date == date(2026, 12, 17)


def test_a_reference_names_the_day_and_avoids_letters_that_read_alike():
    letters = iter("K7QX2M")
    assert new_reference(TODAY, pick=lambda _: next(letters)) == "TN261203-K7QX2M"
    assert not set("01IOL") & set("".join(new_reference(TODAY)[9:] for _ in range(200)))
