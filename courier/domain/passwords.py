"""Which passwords a person may choose: long enough, and not easy to guess.

The strength estimate is zxcvbn's (Dropbox's estimator: common-password lists,
dictionaries, keyboard walks, dates, repeats, l33t), told the user's own words
and this app's, so "buuta1-vnpost" counts as guessable. Applied where a person
chooses a password (create-user, set-password, the admin page), not to every
stored hash: the demo's and the tests' fixed passwords are set directly.

Returns a problem code, not words: the caller says it in the user's language.
"""
from collections.abc import Iterable

from zxcvbn import zxcvbn

from .folding import fold

MIN_LENGTH = 10
MAX_LENGTH = 256
# zxcvbn's 0–4 scale; 3 is "safely unguessable" (~10^8 guesses), against an online
# attacker held to a few guesses an hour per account by the login throttle.
MIN_SCORE = 3
# zxcvbn's time grows with length; what is past this is not estimated (it only adds strength).
_ESTIMATED_CHARS = 100
# Words an attacker tries first against this app, besides the user's own.
APP_WORDS = ("buudien", "buu dien", "vnpost", "vietnampost", "courier", "matkhau", "mat khau",
             "buuta", "dieuphoi", "quantri", "admin", "tamky", "quangnam", "danang")

BLANK = "blank"                  # nothing but spaces
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
PERSONAL = "personal"            # built on the user's name or the app's words
GUESSABLE = "guessable"          # common, or a pattern (sequence, repeat, date, keyboard walk)


def password_problem(password: str, user_words: Iterable[str] = ()) -> str | None:
    """What is wrong with `password` as a new password, as a code above; None if it may be used.

    `user_words`: the user's name, username and the like, compared without accents.
    """
    if not password.strip():
        return BLANK
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    inputs = _inputs(user_words)
    estimate = zxcvbn(password[:_ESTIMATED_CHARS], user_inputs=inputs)
    if estimate["score"] >= MIN_SCORE:
        return None
    personal = any(match.get("dictionary_name") == "user_inputs" for match in estimate["sequence"])
    return PERSONAL if personal else GUESSABLE


def _inputs(user_words: Iterable[str]) -> list[str]:
    words = set(APP_WORDS)
    for text in user_words:
        if not text:
            continue
        for variant in (text.lower(), fold(text) or ""):
            words.add(variant)
            words.update(part for part in variant.replace(".", " ").replace("_", " ").split() if len(part) > 1)
            words.add(variant.replace(" ", ""))
    return sorted(words)
