"""What an agency's desk gives on taking a dossier in, checked as both the desk page and the API do."""
from datetime import date

import pytest

from courier.domain.acknowledgement import AcknowledgementInvalid, check_acknowledgement, check_reason, promise_after

TODAY = date(2026, 12, 3)
AGENCY = "000.00.17.H47"


def check(**fields):
    raw = {"official_code": "000.00.17.H47-261203-0042", "promised_date": "17/12/2026"} | fields
    return check_acknowledgement(raw, agency_code=AGENCY, agency_pattern=None, today=TODAY)


def errors_of(**fields) -> dict:
    with pytest.raises(AcknowledgementInvalid) as invalid:
        check(**fields)
    return invalid.value.errors


def test_a_national_code_and_a_date_are_accepted_and_normalised():
    assert check() == check(official_code=" 000.00.17.h47-261203-0042 ", promised_date="2026-12-17")
    assert check().promised_date == date(2026, 12, 17) and check(promised_date="03/12/2026").promised_date == TODAY


@pytest.mark.parametrize("fields,expected", [
    ({"official_code": ""}, {"official_code": "required"}),
    ({"official_code": "hồ sơ 42"}, {"official_code": "invalid_code"}),
    ({"official_code": "000.00.22.H47-261203-0042"}, {"official_code": "prefix_not_agency"}),
    ({"promised_date": ""}, {"promised_date": "required"}),
    ({"promised_date": "31/02/2026"}, {"promised_date": "invalid_date"}),
    ({"promised_date": "02/12/2026"}, {"promised_date": "in_the_past"}),
    ({"promised_date": "01/01/2028"}, {"promised_date": "too_far"}),
    ({"official_code": None, "promised_date": None}, {"official_code": "required", "promised_date": "required"}),
])
def test_each_problem_is_named_by_its_field(fields, expected):
    assert errors_of(**fields) == expected


def test_an_agency_with_its_own_numbering_uses_its_pattern():
    own = check_acknowledgement({"official_code": "HS-2026-0042", "promised_date": "17/12/2026"},
                                agency_code=AGENCY, agency_pattern=r"HS-\d{4}-\d{4}", today=TODAY)
    assert own.official_code == "HS-2026-0042"


@pytest.mark.parametrize("raw,expected", [
    ({"reason": "  Thiếu   bản sao CCCD "}, "Thiếu bản sao CCCD"),
])
def test_a_reason_is_tidied(raw, expected):
    assert check_reason(raw) == expected


@pytest.mark.parametrize("raw,code", [({}, "required"), ({"reason": "   "}, "required"),
                                      ({"reason": "x" * 301}, "too_long"), ({"reason": "a\x00b"}, "invalid_text")])
def test_a_bad_reason_is_refused(raw, code):
    with pytest.raises(AcknowledgementInvalid) as invalid:
        check_reason(raw)
    assert invalid.value.errors == {"reason": code}


@pytest.mark.parametrize("days,expected", [(0, date(2026, 12, 3)), (1, date(2026, 12, 4)), (2, date(2026, 12, 7)),
                                           (10, date(2026, 12, 17))])
def test_the_suggested_promise_counts_working_days(days, expected):
    assert promise_after(TODAY, days) == expected  # TODAY is a Thursday
