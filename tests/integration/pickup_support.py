"""Seeding a pickup part-way along its life, for the integration tests of the later steps.

The browser tests walk the same steps through the pages; these tests start where the step
before them left off, through the same custody rules.
"""
from courier.domain.states import Action
from courier.ledger import custody
from tests import factories

MAX = 3


def picked_up(db, office, courier, requested=None, **fields):
    """A pickup (`requested`, else a new one) planned and picked up at the door by `courier`."""
    shipment = (requested or factories.pickup_request(office, **fields)).shipment
    custody.apply(shipment, Action.ASSIGN, max_attempts=MAX)
    custody.apply(shipment, Action.PICK_UP, max_attempts=MAX, courier=courier)
    shipment.pickup.pages = 4
    db.session.flush()
    return shipment


def handed_in(db, office, courier, requested=None, **fields):
    shipment = picked_up(db, office, courier, requested, **fields)
    custody.apply(shipment, Action.HAND_IN, max_attempts=MAX)
    db.session.flush()
    return shipment


def in_transit(db, office, courier, dispatcher, requested=None, **fields):
    """A pickup on a batch list, on its way to the agency's desk."""
    from courier.services import to_agency

    shipment = handed_in(db, office, courier, requested, **fields)
    to_agency.make_batch(office.id, shipment.dossier.agency_id, [shipment.public_id], dispatcher, MAX)
    db.session.flush()
    return shipment
