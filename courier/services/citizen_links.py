"""The links a shipment's citizen may hold, as a dispatcher sees and revokes them one by one.

A link can leak (a photo of the envelope posted online, a slip left at a shop): the
dispatcher revokes that one link, with a reason kept as a custody note, and the others
keep working, so revoking a lost label does not cut off the agency's appointment slip.
Nothing here commits: the view does.
"""
from ..ledger import custody
from ..models import CitizenLink, Shipment, User
from ..models.types import utcnow


def links_of(shipment: Shipment) -> list[CitizenLink]:
    """The shipment's links, oldest first, revoked ones included (they are part of its story)."""
    return sorted(shipment.citizen_links, key=lambda link: (link.created_at, link.id))


def revoke(shipment: Shipment, link_id: int, reason: str, actor: User) -> CitizenLink | None:
    """Revoke one of the shipment's links; None if it has no such link. Revoking twice changes nothing."""
    link = next((link for link in shipment.citizen_links if link.id == link_id), None)
    if link is None or link.revoked_at is not None:
        return link
    link.revoked_at = utcnow()
    custody.note(shipment, "citizen_link_revoked", actor=actor,
                 details={"link": link.source.value, "reason": reason})
    return link
