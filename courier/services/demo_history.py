"""The demo's past two weeks: rounds, hand-overs and cash, so the reports have something to show.

Each past hand-over goes through services.handover.submit_attempt, as a phone's
would, with a small generated signature and photo: the reports, the shipment
pages and `flask verify` then see exactly what production would store. Drawn
from its own random.Random, so the demo's today stays the same.
"""
import io
import json
import random
import uuid
from datetime import date, datetime, time, timedelta

from PIL import Image, ImageDraw

from ..domain.formatting import VIETNAM, local_today
from ..domain.states import Action, State
from ..domain.storage import MediaStore
from ..extensions import db
from ..ledger import custody
from ..models import CashHandIn, Round, RoundStop, Shipment, User
from ..models.types import utcnow
from . import handover

DAYS = 12  # two working weeks: enough for the reports, quick enough for `make run`
SEED = 46


def seed_history(make_dossier, register, office, users: dict[str, User], couriers: tuple[str, ...],
                 store: MediaStore, max_attempts: int) -> None:
    """Fill the working days before today. `make_dossier(due)` and `register(dossier, at)` come
    from the demo module, so names, codes and addresses look like the rest of the demo."""
    rng = random.Random(SEED)
    dispatcher = users["dieuphoi"]
    media = proof_media(rng)
    retry: dict[str, list[Shipment]] = {name: [] for name in couriers}
    for day in _working_days(local_today(), DAYS):
        for name in couriers:
            courier = users[name]
            fresh = [_received(make_dossier(day + timedelta(days=_days_to_due(rng))), register,
                               dispatcher, day, rng, max_attempts) for _ in range(rng.randint(2, 4))]
            stops = retry[name] + fresh
            retry[name] = []
            _plan(stops, office, courier, dispatcher, day, max_attempts)
            collected = 0
            for position, shipment in enumerate(stops):
                at = _at(day, 8.5 + position * 0.6 + rng.uniform(0, 0.4))
                failed = rng.random() < 0.12
                hand_over(shipment, courier, at, failed, media, store, max_attempts)
                if failed and shipment.state == State.ASSIGNED:  # planned again after the failure
                    if shipment.attempts_count >= 2:
                        _send_back(shipment, dispatcher, at, max_attempts)
                    else:
                        retry[name].append(shipment)
                elif not failed:
                    collected += shipment.dossier.fee_agency + shipment.dossier.fee_postage
            _hand_in(office, courier, dispatcher, day, collected, rng)


def _days_to_due(rng: random.Random) -> int:
    # Most results reach the office a few days before they are due; about one in ten late.
    return rng.choices([-2, -1, 0, 1, 2, 3, 5], weights=[3, 7, 15, 25, 25, 15, 10])[0]


def _working_days(today: date, count: int) -> list[date]:
    days, day = [], today - timedelta(days=1)
    while len(days) < count:
        if day.weekday() != 6:  # post offices deliver Monday to Saturday
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(), VIETNAM) + timedelta(hours=hour)


def _received(dossier, register, dispatcher, day, rng, max_attempts) -> Shipment:
    shipment = register(dossier, _at(day - timedelta(days=1), rng.uniform(8, 15)))
    custody.apply(shipment, Action.RECEIVE, max_attempts=max_attempts, actor=dispatcher,
                  at=_at(day - timedelta(days=1), 16.5))
    return shipment


def _plan(stops, office, courier, dispatcher, day, max_attempts) -> None:
    db.session.add(Round(courier=courier, post_office=office, round_date=day,
                         stops=[RoundStop(shipment=s, position=i) for i, s in enumerate(stops)]))
    for shipment in stops:
        if shipment.state == State.RECEIVED:  # a failed one is already back on the courier's list
            custody.apply(shipment, Action.ASSIGN, max_attempts=max_attempts, actor=dispatcher, at=_at(day, 7.2))
        custody.apply(shipment, Action.DISPATCH, max_attempts=max_attempts, actor=courier,
                      courier=courier, at=_at(day, 7.6))
    db.session.flush()


def proof_media(rng: random.Random) -> dict[str, bytes]:
    """A signature and a photo, real PNG and JPEG bytes that pass the hand-over's image checks."""
    return {"signature": _signature(rng), "photo": _photo(rng)}


def hand_over(shipment: Shipment, courier: User, at: datetime, failed: bool, media: dict[str, bytes],
              store: MediaStore, max_attempts: int) -> None:
    """Record the courier's visit at `at` as the phone's sync would: an Attempt with its proofs.

    The shipment must be out with the courier. Raises handover.SyncRejected if the visit is refused.
    """
    dossier = shipment.dossier
    body = {"client_id": str(uuid.uuid4()), "shipment_id": str(shipment.public_id),
            "captured_at": at.isoformat(), "consent_version": "2026-11"}
    if failed:
        body |= {"outcome": "failed", "failure_reason": "absent"}
        uploads = {"photo": media["photo"]}
    else:
        body |= {"outcome": "delivered",
                 "recipient": {"name": dossier.applicant_name, "relationship": "applicant",
                               **_id_checked(dossier.expected_id_tail)},
                 "fees": {"agency": dossier.fee_agency, "postage": dossier.fee_postage, "method": "cash"}}
        uploads = media
    # The phone synced a few minutes after the visit (never later than now, for this morning's
    # visits): the server's times follow it.
    handover.submit_attempt(courier, json.dumps(body), uploads, store, max_attempts=max_attempts,
                        recorded_at=min(at + timedelta(minutes=4), utcnow()))


def _id_checked(expected_tail: str | None) -> dict:
    """What the phone records of the recipient's card: checked against the agency's tail if it gave one."""
    if not expected_tail:
        return {"id_check": "not_given"}
    return {"id_check": "matched", "id_tail_masked": "********" + expected_tail[-4:].rjust(4, "0")}


def _send_back(shipment, dispatcher, at, max_attempts) -> None:
    custody.apply(shipment, Action.START_RETURN, max_attempts=max_attempts, actor=dispatcher,
                  at=at + timedelta(hours=5))
    custody.apply(shipment, Action.COMPLETE_RETURN, max_attempts=max_attempts, actor=dispatcher,
                  at=at + timedelta(hours=6))


def _hand_in(office, courier, dispatcher, day, collected, rng) -> None:
    if not collected:
        return
    # Once in a while a courier comes back short, to show what the reconciliation catches.
    short = 20_000 if rng.random() < 0.08 else 0
    db.session.add(CashHandIn(post_office_id=office.id, courier=courier, handed_on=day, amount=collected - short,
                              received_by=dispatcher, created_at=_at(day, 17.2)))


def _signature(rng: random.Random) -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    points = [(40 + 520 * n / 12, 100 + rng.randint(-60, 60)) for n in range(13)]
    pen.line(points, fill=(20, 20, 60, 255), width=5, joint="curve")
    return _encode(image, "PNG")


def _photo(rng: random.Random) -> bytes:
    image = Image.new("RGB", (64, 48))
    image.putdata([(rng.randrange(120, 220), rng.randrange(110, 200), rng.randrange(90, 170))
                   for _ in range(64 * 48)])
    return _encode(image.resize((640, 480), Image.BICUBIC), "JPEG", quality=80)


def _encode(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()
