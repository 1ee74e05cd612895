"""Rounds as a courier sees them."""
from ..domain.formatting import local_today
from ..extensions import db
from ..models import Round, User


def todays_round(courier: User) -> Round | None:
    """The courier's round for today (Vietnam date), or None if none is planned."""
    return db.session.execute(
        db.select(Round).filter_by(courier_id=courier.id, round_date=local_today())
        .order_by(Round.id.desc())
    ).scalars().first()
