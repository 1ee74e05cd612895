"""Addresses after the 1 July 2025 rearrangement: 34 provinces, their wards and communes.

The lists come from the `vietnam-provinces` package, so nothing here is typed
by hand; a ward (phường), commune (xã) or special zone (đặc khu) is named by
its national code and must belong to the province given with it.
"""
import re
import unicodedata
from functools import lru_cache

from vietnam_provinces import Province, Ward

from .folding import fold

# Short forms people write in addresses, as whole words once folded ("P." → "p").
ABBREVIATIONS = {"p": "phuong", "q": "quan", "x": "xa", "tp": "thanh pho", "tx": "thi xa", "tt": "thi tran",
                 "kp": "khu pho"}
# "P1", "Q.3": a numbered ward or district (older city addresses).
_NUMBERED_DIVISION = re.compile(r"^(p|q)(\d+)$")
# "Đường"/"Đ." says only that a street follows; dropped before folding, where it would become
# "duong" like the name Dương ("Dương Đình Nghệ" is a street too).
_STREET_WORD = re.compile(r"(?<!\w)(?:đường(?!\w)|đ\.)")


class UnknownDivision(ValueError):
    """Raised for a province or commune code (or name) that does not exist."""


def province(code: int) -> Province:
    """The province with this national code; raises UnknownDivision."""
    try:
        return Province.from_code(int(code))
    except (ValueError, TypeError) as error:
        raise UnknownDivision(f"no province has code {code!r}") from error


def ward(code: int) -> Ward:
    """The ward or commune with this national code; raises UnknownDivision."""
    try:
        return Ward.from_code(int(code))
    except (ValueError, TypeError) as error:
        raise UnknownDivision(f"no ward or commune has code {code!r}") from error


def ward_name(code: int | None, unknown: str | None = None) -> str:
    """The ward's name for display. When the catalogue no longer knows the code: `unknown` if
    given (the courier's address line leaves it out), else the code (a dispatcher can look it up)."""
    if code is None:
        return ""
    try:
        return ward(code).name
    except UnknownDivision:
        return str(code) if unknown is None else unknown


def check_ward_in_province(ward_code: int, province_code: int) -> Ward:
    """Return the ward if it exists and lies in the province; raise UnknownDivision otherwise."""
    found, parent = ward(ward_code), province(province_code)
    if found.province_code != parent.code:
        raise UnknownDivision(f"{found.name} is not in {parent.name}")
    return found


def wards_of(province_code: int) -> list[Ward]:
    """The province's wards and communes, by name; raises UnknownDivision for an unknown province."""
    return sorted(Ward.iter_by_province(province(province_code).code), key=lambda ward: fold(ward.name))


def _fold(name: str) -> str:
    """Lower-case, strip diacritics and the type word, for matching names people type."""
    text = fold(name).strip()
    for prefix in ("thanh pho ", "tinh ", "phuong ", "xa ", "dac khu "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


@lru_cache(maxsize=None)
def _wards_by_name(province_code: int) -> dict[str, list[Ward]]:
    index: dict[str, list[Ward]] = {}
    for candidate in Ward.iter_by_province(province(province_code).code):
        index.setdefault(_fold(candidate.name), []).append(candidate)
    return index


def find_ward(name: str, province_code: int) -> Ward:
    """Find a ward or commune of a province by name, ignoring case, accents and 'Phường'/'Xã'.

    Raises UnknownDivision if none or several match (say 'Phường' or 'Xã' to choose).
    """
    matches = _wards_by_name(int(province_code)).get(_fold(name), [])
    exact = [w for w in matches if w.name.lower() == name.strip().lower()]
    if len(exact) == 1:
        return exact[0]
    if len(matches) != 1:
        raise UnknownDivision(f"no single ward or commune named {name!r} in province {province_code}")
    return matches[0]


def find_province(name: str) -> Province:
    """Find a province by name, ignoring case, accents and 'Tỉnh'/'Thành phố'."""
    wanted = _fold(name)
    for candidate in Province.iter_all():
        if _fold(candidate.name) == wanted:
            return candidate
    raise UnknownDivision(f"no province named {name!r}")


def normalise_address(line: str | None) -> str:
    """An address line as a key, the same however it was typed.

    Lower case without accents, punctuation and runs of spaces as one space, common short
    forms written out ("P." → "phuong", "TP" → "thanh pho", "P1" → "phuong 1"), the word
    "Đường" dropped; "12/3" (an alley number) stays. '12/3 Đường Trần Phú,  P. An Mỹ' →
    '12/3 tran phu phuong an my'.
    """
    text = _STREET_WORD.sub(" ", unicodedata.normalize("NFC", line or "").lower())
    text = re.sub(r"(?<=\d)\s*/\s*(?=\d)", "/", fold(text))  # "12 / 3" → "12/3"
    words = []
    for word in re.split(r"[^a-z0-9/]+|(?<!\d)/|/(?!\d)", text):
        numbered = _NUMBERED_DIVISION.match(word)
        if numbered:
            words += [ABBREVIATIONS[numbered.group(1)], numbered.group(2)]
        elif word:
            words.append(ABBREVIATIONS.get(word, word))
    return " ".join(words)
