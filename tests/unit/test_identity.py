"""Recipients' ID numbers: masked tail and keyed hash only."""
import pytest

from courier.domain.identity import (
    InvalidIdNumber, keyed_hash, mask_name, masked_tail, normalise_id_number, tail_matches,
)

CCCD = "049201001234"


def test_masked_tail_keeps_only_the_last_four_digits():
    assert masked_tail(CCCD) == "********1234"
    assert masked_tail("201 234 567") == "*****4567"
    assert CCCD[:8] not in masked_tail(CCCD)


def test_keyed_hash_depends_on_the_key_and_hides_the_number():
    first, second = keyed_hash(CCCD, "key-one"), keyed_hash(CCCD, "key-two")
    assert first != second and len(first) == 64
    assert CCCD not in first
    assert keyed_hash("0492 0100 1234", "key-one") == first


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
