"""JSON API, version 1: one blueprint, a module per audience."""
from flask import Blueprint

from ...auth import blueprint_roles
from ...models import Role

bp = blueprint_roles(Blueprint("api", __name__), Role.COURIER, Role.DISPATCHER, Role.ADMIN)

from . import agency, common, courier  # noqa: E402,F401  (they add their routes to bp)
