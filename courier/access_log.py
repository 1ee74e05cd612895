"""gunicorn's access log without the citizens' link tokens.

A citizen's link (`/t/<token>`) is a bearer secret: whoever reads it sees the shipment.
The access log would keep every one opened, in the request line, the path and, for the
page's own requests, the Referer; so every value the log format can print goes through
`redact` first. Use with `gunicorn --logger-class courier.access_log.RedactingLogger`.
"""
import re

from gunicorn.glogging import Logger

_TOKEN_IN_PATH = re.compile(r"(/t/)[^/?#\s\"]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with any citizen link token replaced: "/t/AbC.../confirm" → "/t/[redacted]/confirm"."""
    return _TOKEN_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactingLogger(Logger):
    """gunicorn's logger, its access-log atoms (request line, path, Referer, environ) redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
