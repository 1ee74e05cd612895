"""Where a round's stops are: the dossier's coordinates, else what earlier hand-overs at the address taught.

Agencies' files carry no coordinates, so most imported results have none; a courier's phone
records a GPS fix with every hand-over. A good fix at an address places the next result
for the same address, however its line was typed (addresses.normalise_address).
"""
from ..domain import addresses, routing
from ..extensions import db
from ..models import Attempt, Dossier, Outcome, Round, Shipment

# A hand-over's GPS fix teaches where its address is only if the phone trusted it this far.
GOOD_FIX_M = 50
# The newest good fixes read in the round's wards when learning positions: enough for every
# address delivered to lately, and a bounded read however long the office has kept records.
LEARN_FROM_FIXES = 5000


def positions(round_: Round) -> dict[int, tuple[routing.Point, bool]]:
    """Where each stop is, by shipment id: (point, learned). The dossier's own coordinates, else
    (learned True) the mean of the good GPS fixes of earlier hand-overs at the same address.
    Stops with neither are left out. At most one query, for the whole round."""
    where, unlocated = {}, []
    for stop in round_.stops:
        dossier = stop.shipment.dossier
        if dossier.latitude is not None and dossier.longitude is not None:
            where[stop.shipment_id] = ((dossier.latitude, dossier.longitude), False)
        else:
            unlocated.append(stop)
    learned = _learned_positions({_address_key(stop.shipment.dossier) for stop in unlocated})
    for stop in unlocated:
        point = learned.get(_address_key(stop.shipment.dossier))
        if point is not None:
            where[stop.shipment_id] = (point, True)
    return where


def _learned_positions(keys: set[tuple[int, str]]) -> dict[tuple[int, str], routing.Point]:
    if not keys:
        return {}
    # Addresses are compared normalised (addresses.normalise_address), which SQL cannot do; the
    # wards narrow the read to the newest good fixes near the round, matched here.
    rows = db.session.execute(
        db.select(Dossier.ward_code, Dossier.street, Attempt.latitude, Attempt.longitude)
        .join(Shipment, Attempt.shipment_id == Shipment.id).join(Dossier, Shipment.dossier_id == Dossier.id)
        .where(Dossier.ward_code.in_({ward for ward, _ in keys}), Attempt.outcome == Outcome.DELIVERED,
               Attempt.gps_accuracy_m <= GOOD_FIX_M,
               Attempt.latitude.is_not(None), Attempt.longitude.is_not(None))
        .order_by(Attempt.captured_at.desc()).limit(LEARN_FROM_FIXES))
    fixes: dict[tuple[int, str], list[routing.Point]] = {}
    for ward, street, latitude, longitude in rows:
        key = (ward, addresses.normalise_address(street))
        if key in keys:
            fixes.setdefault(key, []).append((latitude, longitude))
    return {key: routing.centre(points) for key, points in fixes.items()}


def _address_key(dossier: Dossier) -> tuple[int, str]:
    return (dossier.ward_code, addresses.normalise_address(dossier.street))
