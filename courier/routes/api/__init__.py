"""JSON API, version 1: one blueprint, a module per audience."""
from . import agency, courier, incoming  # noqa: F401  (they add their routes to bp)
from .blueprint import bp  # noqa: F401  (registered by create_app)
