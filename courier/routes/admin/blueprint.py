"""The administrator's blueprint, which each page group's module adds its routes to."""
from flask import Blueprint

from ...auth import blueprint_roles
from ...models import Role
from ..dispatch.console import console_sections

bp = blueprint_roles(Blueprint("admin", __name__), Role.ADMIN)


@bp.context_processor
def _console():
    return {"console_sections": console_sections()}
