"""Folding Vietnamese text for search: lower case, no accents, đ → d.

The one definition of how names are compared in search. The dossier model
stores `applicant_name_folded = fold(applicant_name)`, the search box folds
what is typed the same way, and migration 0007 filled the column with it.
"""
import unicodedata


def _fold_table() -> dict[int, str]:
    """Every Latin letter with marks (and A-Z, Đ) → its bare lower-case letter."""
    table = {ord("Đ"): "d", ord("đ"): "d"}
    for code in list(range(ord("A"), ord("Z") + 1)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if base != char and "a" <= base <= "z":
            table[code] = base
    return table


FOLD = _fold_table()
# The same mapping as two strings, for SQL translate() on PostgreSQL.
FOLD_FROM = "".join(chr(code) for code in FOLD)
FOLD_TO = "".join(FOLD.values())


def fold(text: str | None) -> str | None:
    """Lower case without accents: 'Đặng Thị Ánh' → 'dang thi anh' (NFD input too)."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", text).translate(FOLD).lower()
