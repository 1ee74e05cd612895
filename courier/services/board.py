"""What a dispatcher sees at a glance: the office's shipments by state."""
from dataclasses import dataclass

from sqlalchemy import func

from ..domain.formatting import local_today
from ..domain.states import State
from ..extensions import db
from ..models import Dossier, Shipment


@dataclass
class OfficeSummary:
    counts: dict[State, int]
    due_today: list[Shipment]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def office_summary(post_office_id: int, limit: int = 50) -> OfficeSummary:
    """Counts per state for one post office, and its open shipments due today or earlier."""
    rows = db.session.execute(
        db.select(Shipment.state, func.count()).filter_by(post_office_id=post_office_id)
        .group_by(Shipment.state)
    ).all()
    counts = {state: 0 for state in State}
    counts.update({State(state): n for state, n in rows})
    open_states = [s for s in State if s not in (State.DELIVERED, State.RETURNED, State.CANCELLED)]
    due = db.session.execute(
        db.select(Shipment).join(Dossier)
        .where(Shipment.post_office_id == post_office_id, Shipment.state.in_(open_states),
               Dossier.due_date <= local_today())
        .order_by(Dossier.due_date, Shipment.id).limit(limit)
    ).scalars().all()
    return OfficeSummary(counts=counts, due_today=list(due))
