"""Recipients' ID numbers: the masked tail only, and what the server can check of it."""
import pytest

from courier.domain.identity import (
    InvalidIdNumber, mask_name, masked_tail, masked_tail_agrees, normalise_id_number, tail_matches,
)

CCCD = "049201001234"


def test_masked_tail_keeps_only_the_last_four_digits():
    assert masked_tail(CCCD) == "********1234"
    assert masked_tail("201 234 567") == "*****4567"
    assert CCCD[:8] not in masked_tail(CCCD)


@pytest.mark.parametrize("masked,expected,agrees", [
    ("********1234", "1234", True), ("********1234", "234", True), ("********1234", "561234", True),
    ("*****4567", "4567", True), ("********1234", "9999", False), ("********1234", "561299", False),
    ("********1234", None, False), (None, "1234", False), ("********1234", "34", False)])
def test_the_server_checks_the_shown_digits_against_the_agencys_tail(masked, expected, agrees):
    assert masked_tail_agrees(masked, expected) is agrees


@pytest.mark.parametrize("bad", ["", "12345", "04920100123", "04920100123a", "0492010012345"])
def test_malformed_id_numbers_are_refused(bad):
    with pytest.raises(InvalidIdNumber):
        normalise_id_number(bad)


def test_tail_matching():
    assert tail_matches(CCCD, "1234") is True
    assert tail_matches("1234", "1234") is True
    assert tail_matches(CCCD, "9999") is False
    assert tail_matches("34", "1234") is False
    assert tail_matches(CCCD, None) is None


def test_names_are_masked_after_the_family_name():
    assert mask_name("Nguyễn Văn An") == "Nguyễn V** A**"
    assert mask_name("Lê Thị Hồng Nhung") == "Lê T** H** N**"
    assert mask_name("") == ""
