"""The API's one blueprint, and the roles that may call it unless a view says otherwise."""
from flask import Blueprint

from ...auth import blueprint_roles
from ...models import Role

bp = blueprint_roles(Blueprint("api", __name__), Role.COURIER, Role.DISPATCHER, Role.ADMIN)
