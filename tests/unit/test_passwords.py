"""The rule for a password a person chooses: long enough, not common, not built on their name."""
import pytest

from courier.domain import passwords
from courier.domain.passwords import password_problem


@pytest.mark.parametrize("password,problem", [
    ("password", passwords.TOO_SHORT),
    ("12345678", passwords.TOO_SHORT),
    (" " * 8, passwords.BLANK),
    (" " * 12, passwords.BLANK),
    ("123456789012", passwords.GUESSABLE),
    ("passwordpassword", passwords.GUESSABLE),
    ("qwertyuiop", passwords.GUESSABLE),
    ("x" * 300, passwords.TOO_LONG),
])
def test_common_short_and_blank_passwords_are_refused(password, problem):
    assert password_problem(password) == problem


@pytest.mark.parametrize("password", ["vnpost12345", "buudien2024", "matkhau1234", "Courier2026"])
def test_the_app_s_own_words_do_not_make_a_password(password):
    assert password_problem(password) == passwords.PERSONAL


def test_the_user_s_own_name_does_not_make_a_password():
    words = ["hoangthu", "Hoàng Thị Thu"]
    assert password_problem("hoangthu1990", words) == passwords.PERSONAL
    assert password_problem("HoangThiThu99", words) == passwords.PERSONAL  # the name without accents


@pytest.mark.parametrize("password", ["mat-khau-thu-nghiem", "Tam Ky mua thu 2026", "xK9#mQ2pLw7r",
                                      "ca phe sua da ngon"])
def test_long_unusual_passwords_are_accepted(password):
    assert password_problem(password, ["nguyenvana", "Nguyễn Văn A"]) is None


def test_at_least_ten_characters():
    assert passwords.MIN_LENGTH == 10
    assert password_problem("xK9#mQ2pL") == passwords.TOO_SHORT
