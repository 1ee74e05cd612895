"""Jinja filters and globals: Vietnamese formats and the domain's labels."""
from flask import Flask, request
from flask_babel import get_locale

from .domain import addresses, formatting
from .vocabulary import (CHAIN_LABELS, CHANNEL_LABELS, CONCERN_LABELS, FAILURE_REASON_LABELS, PICKUP_REFUSAL_LABELS,
                         PROOF_LABELS, ROLE_LABELS, SLOT_LABELS, STATE_LABELS)


def register(app: Flask) -> None:
    app.add_template_filter(formatting.format_date, "vndate")
    app.add_template_filter(formatting.format_datetime, "vndatetime")
    app.add_template_filter(lambda amount: formatting.format_vnd(amount, str(get_locale())), "vnd")
    app.add_template_filter(lambda state: STATE_LABELS.get(state, state), "state_label")
    app.add_template_filter(lambda role: ROLE_LABELS.get(role, role), "role_label")
    app.add_template_filter(addresses.ward_name, "ward_name")
    app.add_template_filter(lambda reason: FAILURE_REASON_LABELS.get(reason) or PICKUP_REFUSAL_LABELS.get(reason, reason),
                            "failure_label")
    app.add_template_filter(lambda kind: PROOF_LABELS.get(kind, kind), "proof_label")
    app.add_template_filter(lambda kind: CONCERN_LABELS.get(kind, kind), "concern_label")
    app.add_template_filter(lambda chain: CHAIN_LABELS.get(chain, chain), "chain_label")
    app.add_template_filter(lambda slot: SLOT_LABELS.get(str(slot), slot), "slot_label")
    app.add_template_filter(lambda channel: CHANNEL_LABELS.get(str(channel), channel), "channel_label")

    @app.context_processor
    def _globals():
        return {
            "current_locale": str(get_locale()),
            "other_locale": "en" if str(get_locale()) == "vi" else "vi",
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
