"""Address lines as keys: the same address however it was typed, different addresses kept apart."""
import pytest

from courier.domain.addresses import normalise_address


@pytest.mark.parametrize("typed", [
    "12/3 Trần Phú, Phường An Mỹ",
    "12/3 trần phú,  p. an mỹ",
    "12 / 3 TRẦN PHÚ - P.An Mỹ",
    "12/3 Đường Trần Phú, P An Mỹ",
    "12/3 Đ. Trần Phú; phường An Mỹ.",
    "12/3 Tra\u0302\u0300n Phu\u0301, Phươ\u0300ng An My\u0303",  # decomposed accents, as some phones send
])
def test_one_address_typed_many_ways_is_one_key(typed):
    assert normalise_address(typed) == "12/3 tran phu phuong an my"


def test_short_forms_of_divisions_are_written_out():
    assert normalise_address("P1, Q.3, TP. Hồ Chí Minh") == "phuong 1 quan 3 thanh pho ho chi minh"
    assert normalise_address("Tổ 5, KP 2, TT Núi Thành") == "to 5 khu pho 2 thi tran nui thanh"


def test_different_addresses_stay_apart():
    assert normalise_address("12/3 Trần Phú") != normalise_address("12 Trần Phú")
    assert normalise_address("123 Trần Phú") != normalise_address("12/3 Trần Phú")
    # "Đường" (street) is dropped, the name Dương is not.
    assert normalise_address("Dương Đình Nghệ") == "duong dinh nghe"


def test_a_slash_between_words_is_a_separator_and_nothing_is_empty():
    assert normalise_address("Trần Phú/Lê Lợi") == "tran phu le loi"
    assert normalise_address(None) == normalise_address("  ,. ") == ""
