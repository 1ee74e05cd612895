"""A pickup request taken by phone, typed in by a clerk of the office that serves the commune.

The citizen's page's form and rules (routes/pickup.py), with the clerk as the request's actor and
the channel "phone". A clerk enters requests for their own office only: a commune another office
serves is refused as not served. Nothing sends the citizen an SMS: the tracking link is shown to
the clerk once, to read out or text.
"""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.tokens import citizen_url
from ...models import Channel
from ...services import pickups
from ..pickup import PickupForm, page, prepare, submit
from .console import bp, office_id


@bp.route("/pickups/new", methods=["GET", "POST"])
def pickup_new():
    served = {code: office for code, office in pickups.served_wards().items() if office.id == office_id()}
    form = PickupForm()
    form.consent.label.text = _("Người dân đã đồng ý qua điện thoại")
    procedures = prepare(form, served)
    if request.method == "POST":
        requested = submit(form, procedures, served, Channel.PHONE, actor=current_user)
        if requested is not None:
            flash(_("Đã ghi yêu cầu %(reference)s. Hãy đọc hoặc nhắn cho người dân đường dẫn theo dõi "
                    "(hệ thống không gửi tin nhắn): %(link)s",
                    reference=requested.shipment.dossier.code,
                    link=citizen_url(current_app.config["PUBLIC_BASE_URL"], requested.token)), "info")
            return redirect(url_for("dispatch.shipment", public_id=requested.shipment.public_id), 303)
    return page("dispatch/pickup_new.html", form, procedures, serves_nothing=not served)
