"""Recipients' ID numbers: what may be kept of them, and how they are compared.

A citizen's full ID number (CCCD, 12 digits; old CMND, 9) never leaves the
phone: the server keeps only the last four digits behind a mask, for people to
read, and checks them against the tail the agency gave.
"""
import re

TAIL_LENGTH = 4
_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")


class InvalidIdNumber(ValueError):
    """Raised for a string that is not a 9- or 12-digit ID number."""


def normalise_id_number(raw: str) -> str:
    """Strip spaces and dots; raise InvalidIdNumber unless 9 or 12 digits remain."""
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if not _ID_NUMBER.match(digits):
        raise InvalidIdNumber("an ID number has 12 digits (CCCD) or 9 (old CMND)")
    return digits


def masked_tail(id_number: str) -> str:
    """Return the number with all but the last four digits hidden, a star for each: '********1234'
    for a 12-digit CCCD, '*****4567' for a 9-digit CMND (as the phone's maskIdNumber, both checked
    against tests/vectors/id_mask.json). Raises InvalidIdNumber for anything else."""
    digits = normalise_id_number(id_number)
    if not digits.isascii():  # Python's \d takes any script's digits; the phone's, ASCII ones only
        raise InvalidIdNumber("an ID number is written in ASCII digits")
    return "*" * (len(digits) - TAIL_LENGTH) + digits[-TAIL_LENGTH:]


def masked_tail_agrees(masked: str | None, expected_tail: str | None) -> bool:
    """Whether the digits a masked number shows ('********1234') agree with the tail the agency
    gave (3 to 6 digits), over the digits both have: what the server can check of the phone's
    "matched", since it never sees the whole number."""
    shown = re.sub(r"\D", "", masked or "")
    expected = re.sub(r"\D", "", expected_tail or "")
    common = min(len(shown), len(expected))
    return common >= 3 and shown[-common:] == expected[-common:]


def tail_matches(id_number_or_tail: str, expected_tail: str | None) -> bool | None:
    """Compare the end of an ID number (or a typed tail) with the tail an agency gave.

    Returns None when there is nothing to compare against.
    """
    if not expected_tail:
        return None
    given = re.sub(r"\D", "", id_number_or_tail or "")
    return len(given) >= len(expected_tail) and given.endswith(expected_tail)


def mask_name(full_name: str) -> str:
    """Hide all but the family name and the initials: 'Nguyễn Văn An' -> 'Nguyễn V** A**'."""
    words = (full_name or "").split()
    if not words:
        return ""
    return " ".join([words[0]] + [word[0] + "**" for word in words[1:]])
