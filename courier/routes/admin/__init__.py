"""The administrator's pages: one blueprint, a module per page group.

The office's accounts (users.py: a new password, lock and unlock, each ending the user's
sessions at once) and the catalogue of procedures sent by post (procedures.py: another
office's procedure is a 404). Views parse, call a service, commit, and render or redirect.
"""
from .blueprint import bp  # noqa: F401  (registered by create_app)
from . import procedures, users  # noqa: F401  (they add their routes to bp)
