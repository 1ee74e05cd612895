"""The dispatcher's console: one blueprint, a module per page group.

Every view reads its post office from the logged-in user and looks every id
up within that office, so another office's data answers 404 as if it did not
exist. Views parse, call a service, commit, and render or redirect.
"""
from .console import bp  # noqa: F401  (registered by create_app)
from . import board, dossiers, intake, labels, pickups, receive, reports, rounds, shipments, takeout  # noqa: F401  (they add their routes to bp)
