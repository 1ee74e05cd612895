"""A demo data set: one working day at the Tam Kỳ post office.

Why: an empty board shows nothing. A trainer, a reviewer or a new dispatcher
needs a day that looks like a real one (results waiting at the agencies, a
stack received at the office, three couriers' rounds, two couriers out on the
road with part of theirs and one still taking his out, hand-overs done and a
visit failed) to see what the app is for and to try it without an agency
connected. It is one consistent day: what the board shows delivered today,
the report counts today, and every delivered result has its hand-over.

Everything is drawn from `random.Random(45)`, so every run gives the same
people, dossiers and rounds; only the citizen link tokens differ, since they
are secrets. Every state change goes through ledger.custody, and every visit
through services.handover.submit_attempt with a generated signature and photo, as a
phone's would, so the custody trail and the proofs are complete. Seeding is
idempotent (it does nothing once the first demo agency exists) and never
commits: the caller does.
"""
import random
from datetime import date, datetime, time, timedelta

from ..domain.addresses import find_ward
from ..domain.pickups import check_request
from ..domain.formatting import VIETNAM, local_today
from ..domain.states import Action
from ..domain.tokens import new_token
from ..extensions import db
from ..ledger import custody
from ..media import media_store
from ..models import (Agency, AuthorisedPerson, Channel, Dossier, LinkSource, Outcome, PostOffice, Procedure,
                      ProcedureDocument, Role, Round, RoundStop, Shipment, User)
from ..models.types import utcnow
from . import demo_data as data
from . import pickups
from .demo_history import hand_over, proof_media, seed_history

PROVINCE_CODE = 48  # Thành phố Đà Nẵng, which Quảng Nam joined on 1 July 2025
REARRANGEMENT = date(2025, 7, 1)
SEED = 45
DOSSIER_COUNT = 40
STAY_REGISTERED = 6
PICKUP_REQUESTS = 3

POST_OFFICE = {
    "code": "BC-TAMKY", "name": "Bưu cục Tam Kỳ", "hotline": "02353851234",
    "street": "02 Trần Cao Vân", "latitude": 15.5731, "longitude": 108.4745,
}
POST_OFFICE_WARD = "Phường Tam Kỳ"

# (code, name, phone, home ward or None, procedures, share of the dossiers)
# A one-stop-shop's applicants mostly live in its own ward; the city centre's anywhere.
AGENCIES = (
    ("000.00.17.H47", "Trung tâm Phục vụ hành chính công thành phố Đà Nẵng", "02363880100",
     None, data.CENTRE_PROCEDURES, 4),
    ("000.30.20.H47", "Bộ phận một cửa UBND phường Bàn Thạch", "02353822456",
     "Phường Bàn Thạch", data.COMMUNE_PROCEDURES, 3),
    ("000.40.25.H47", "Bộ phận một cửa UBND xã Tam Xuân", "02353871789",
     "Xã Tam Xuân", data.COMMUNE_PROCEDURES, 3),
)

AGENCY_KINDS = ("centre", "commune", "commune")  # which of data.CATALOGUE each of AGENCIES accepts by post

# (username, full name, role, phone)
USERS = (
    ("dieuphoi", "Trần Thị Hoa", Role.DISPATCHER, "0905123456"),
    ("buuta1", "Nguyễn Văn Hùng", Role.COURIER, "0935217788"),
    ("buuta2", "Lê Minh Tuấn", Role.COURIER, "0978342156"),
    ("buuta3", "Phạm Quốc Bảo", Role.COURIER, "0386459021"),
    ("quantri", "Võ Thị Thanh Hương", Role.ADMIN, "0914670233"),
    ("motcua", "Đặng Thị Mai", Role.AGENCY_DESK, "0905667788"),  # the first agency's one-stop desk
)
COURIERS = ("buuta1", "buuta2", "buuta3")  # in the order of data.WARDS' regions

# Each courier's morning so far: how many of the round's first stops were scanned out at the
# office, and the visits made since, (outcome, hour). The rest of each round waits at the office
# for the afternoon's trip; buuta3 is still at the office, taking his round out.
MORNING = {
    "buuta1": (4, ((Outcome.DELIVERED, 9.0),)),
    "buuta2": (5, ((Outcome.DELIVERED, 8.7), (Outcome.FAILED, 9.3), (Outcome.DELIVERED, 10.1))),
    "buuta3": (3, ()),
}
MORNING_ENDS = 11  # o'clock: this morning's last step is before; seeded earlier, the morning is squeezed

# Fixed on purpose, so the logins can be printed again and tests can sign in.
DEMO_PASSWORDS = {
    "dieuphoi": "demo-dieuphoi",
    "buuta1": "demo-buuta1",
    "buuta2": "demo-buuta2",
    "buuta3": "demo-buuta3",
    "quantri": "demo-quantri",
    "motcua": "demo-motcua",
}

# Plain strings (not lazy_gettext): the CLI prints them outside any request.
ROLE_LABELS_VI = {Role.DISPATCHER: "Điều phối", Role.COURIER: "Bưu tá", Role.ADMIN: "Quản trị",
                  Role.AGENCY_DESK: "Một cửa"}


def seed_demo(max_attempts: int = 3) -> dict:
    """Fill an empty database with the demo day; flush, never commit.

    Returns {"logins": [(username, password, role label)], "citizen_links":
    [(dossier code, token)]}. If the demo was seeded already, nothing is added
    and `citizen_links` is empty: the tokens were only ever shown once.
    """
    logins = [(name, DEMO_PASSWORDS[name], ROLE_LABELS_VI[role]) for name, _, role, _ in USERS]
    if db.session.execute(db.select(Agency).filter_by(code=AGENCIES[0][0])).first():
        return {"logins": logins, "citizen_links": []}

    rng = random.Random(SEED)
    wards = {name: int(find_ward(name, PROVINCE_CODE).code) for name, _, _ in data.WARDS}
    office = PostOffice(**POST_OFFICE, ward_code=wards[POST_OFFICE_WARD],
                        province_code=PROVINCE_CODE, ward_codes=sorted(set(wards.values())))
    agencies = [Agency(code=code, name=name, phone=phone, post_office=office)
                for code, name, phone, *_ in AGENCIES]
    users = {name: _user(name, full_name, role, phone, office)
             for name, full_name, role, phone in USERS}
    users["motcua"].agency = agencies[0]
    db.session.add_all([office, *agencies, *users.values(), *_catalogue(agencies)])

    codes: set[str] = set()
    waiting = set(rng.sample(range(DOSSIER_COUNT), STAY_REGISTERED))
    shipments = []
    for index in range(DOSSIER_COUNT):
        # Those still at the agency were announced yesterday afternoon, the rest before.
        at = (_vn_time(1, rng.uniform(13, 16.5)) if index in waiting
              else _vn_time(rng.randint(2, 3), rng.uniform(8, 16.5)))
        dossier = _dossier(rng, agencies, wards, codes, overdue=index % 8 == 5)
        shipments.append(_register(dossier, office, at))
    registered = [shipments[index] for index in sorted(waiting)]
    received = [s for s in shipments if s not in registered]
    store = media_store()
    rounds, unassigned = _move(rng, received, office, users, wards, store, max_attempts)
    _history(office, agencies, users, wards, codes, store, max_attempts)
    requests = _pickup_requests(rng, office, wards)

    # One link per kind of page a citizen may see: on the way, delivered,
    # visited in vain, still at the office, not yet handed over by the agency.
    out, visited = rounds[0].stops, rounds[1].stops
    linked = [out[len(MORNING["buuta1"][1])].shipment, visited[0].shipment, visited[1].shipment,
              unassigned[0], registered[0]]
    links = []
    for shipment in linked:
        token, token_hash = new_token()
        shipment.add_citizen_link(token_hash, LinkSource.LABEL)
        links.append((shipment.dossier.code, token))
    links.append((requests[0].shipment.dossier.code, requests[0].token))
    db.session.flush()
    return {"logins": logins, "citizen_links": links}


def _pickup_requests(rng: random.Random, office: PostOffice, wards: dict[str, int]) -> list[pickups.Requested]:
    """A few citizens who asked on the public page for their dossier to be taken in at home,
    through the page's own rules; the dispatcher plans them into tomorrow's rounds."""
    db.session.flush()
    procedures = pickups.bookable_procedures()
    today = local_today()
    made = []
    for index in range(PICKUP_REQUESTS):
        procedure = rng.choice(procedures)
        ward_name = rng.choice(data.WARDS)[0]
        raw = {"procedure": str(procedure.id), "applicant_name": _person(rng), "applicant_phone": _mobile(rng),
               "street": _street(rng, ward_name), "ward": str(wards[ward_name]),
               "preferred_date": (today + timedelta(days=1 + index % 2)).isoformat(),
               "preferred_slot": ("morning", "afternoon")[index % 2], "consent": "y",
               "note": "Gọi trước khi đến" if index == 0 else ""}
        clean = check_request(raw, today=today, procedure_ids={procedure.id}, ward_codes=set(wards.values()))
        made.append(pickups.request_pickup(clean, office, Channel.WEB, today, at=_vn_time(1, 19.5 + index)))
    return made


def _history(office, agencies, users, wards, codes, store, max_attempts) -> None:
    """The past two weeks, drawn from another seed so today's demo stays as it was."""
    rng = random.Random(SEED + 100)

    def make_dossier(due: date) -> Dossier:
        dossier = _dossier(rng, agencies, wards, codes, overdue=False)
        dossier.due_date = due
        return dossier

    seed_history(make_dossier, lambda dossier, at: _register(dossier, office, at), office, users,
                 COURIERS, store, max_attempts)


def _catalogue(agencies: list[Agency]) -> list[Procedure]:
    """The procedures each demo agency accepts by post: the centre's, or every commune's own copy."""
    return [Procedure(agency=agency, code=code, name=name, fee_agency=fee, processing_days=days,
                      documents=[ProcedureDocument(position=i, name=document, copies=copies, original=original,
                                                   required=required)
                                 for i, (document, copies, original, required) in enumerate(documents)])
            for agency, kind in zip(agencies, AGENCY_KINDS)
            for scope, code, name, fee, days, documents in data.CATALOGUE if scope == kind]


def _user(username, full_name, role, phone, office) -> User:
    user = User(username=username, full_name=full_name, role=role, phone=phone,
                post_office=office)
    user.set_password(DEMO_PASSWORDS[username])
    return user


def _dossier(rng: random.Random, agencies: list[Agency], wards: dict[str, int],
             codes: set[str], overdue: bool) -> Dossier:
    """One dossier whose result is ready, filed some days ago, due around today."""
    index = rng.choices(range(len(AGENCIES)), weights=[row[5] for row in AGENCIES])[0]
    agency, (_, _, _, home_ward, procedures, _) = agencies[index], AGENCIES[index]
    procedure, fee = rng.choice(procedures)
    # Some land files in the old city date from before the rearrangement and
    # still carry the district they were filed under.
    legacy = "đất" in procedure and rng.random() < 0.5
    ward_name = rng.choice(data.OLD_CITY_WARDS if legacy else [row[0] for row in data.WARDS])
    if home_ward and rng.random() < 0.75:
        ward_name = home_ward
    centre = next(row[1] for row in data.WARDS if row[0] == ward_name)

    today = local_today()
    due = today + timedelta(days=rng.randint(-4, -1) if overdue else rng.randint(0, 6))
    filed = min(due - timedelta(days=rng.randint(3, 15)), today - timedelta(days=3))
    if legacy:
        filed = min(filed, REARRANGEMENT - timedelta(days=rng.randint(3, 40)))

    applicant = _person(rng)
    dossier = Dossier(
        agency=agency, code=_unique_code(rng, agency, filed, codes), procedure_name=procedure,
        applicant_name=applicant, applicant_phone=_mobile(rng), street=_street(rng, ward_name),
        ward_code=wards[ward_name], province_code=PROVINCE_CODE,
        legacy_district="Thành phố Tam Kỳ" if legacy else None,
        due_date=due, fee_agency=fee, fee_postage=rng.choice(data.POSTAGE),
        expected_id_tail=_id_tail(rng) if rng.random() < 0.25 else None,
    )
    if centre and rng.random() < 0.4:
        dossier.latitude = round(centre[0] + rng.uniform(-0.008, 0.008), 6)
        dossier.longitude = round(centre[1] + rng.uniform(-0.008, 0.008), 6)
    if rng.random() < 0.15:
        relationship, same_family, sex = rng.choice(data.AUTHORISED_RELATIONSHIPS)
        dossier.authorised_persons.append(AuthorisedPerson(
            full_name=_person(rng, sex, applicant.split()[0] if same_family else None),
            relationship_to_applicant=relationship,
            expected_id_tail=_id_tail(rng) if rng.random() < 0.5 else None))
    return dossier


def _unique_code(rng: random.Random, agency: Agency, filed: date, codes: set[str]) -> str:
    """<agency code>-<yymmdd>-<sequence>, the national shape, not in `codes` yet."""
    while True:
        code = f"{agency.code}-{filed:%y%m%d}-{rng.randint(1, 2400):04d}"
        if code not in codes:
            codes.add(code)
            return code


def _person(rng: random.Random, sex: str | None = None, family: str | None = None) -> str:
    sex = sex or rng.choice("mf")
    middles, givens = ((data.MALE_MIDDLE, data.MALE_GIVEN) if sex == "m"
                       else (data.FEMALE_MIDDLE, data.FEMALE_GIVEN))
    family = family or rng.choice(data.FAMILY_NAMES)
    return f"{family} {rng.choice(middles)} {rng.choice(givens)}"


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _id_tail(rng: random.Random) -> str:
    return f"{rng.randrange(10**4):04d}"


def _street(rng: random.Random, ward_name: str) -> str:
    if ward_name.startswith("Phường"):
        return f"{rng.randint(1, 260)} {rng.choice(data.CITY_STREETS)}"
    return f"Thôn {rng.choice(data.VILLAGES)}"


def _register(dossier: Dossier, office: PostOffice, at: datetime) -> Shipment:
    """Register the dossier's shipment as its agency did, at `at`."""
    dossier.created_at = at
    return custody.register_shipment(dossier, office, actor_label=f"agency:{dossier.agency.code}", at=at)


def _vn_time(days_ago: int, hour: float) -> datetime:
    """`hour` o'clock, Vietnam time, `days_ago` days before today."""
    day = local_today() - timedelta(days=days_ago)
    return datetime.combine(day, time(), VIETNAM) + timedelta(hours=hour)


def _move(rng, received, office, users, wards, store, max_attempts):
    """Take the received shipments through the morning; return the rounds and those on none."""
    dispatcher = users["dieuphoi"]

    def step(shipment, action, actor, at, **kwargs):
        custody.apply(shipment, action, max_attempts=max_attempts, actor=actor, at=at, **kwargs)

    for shipment in received:  # picked up from the agencies yesterday morning
        step(shipment, Action.RECEIVE, dispatcher, _vn_time(1, rng.uniform(8, 11.5)))

    region_of = {wards[name]: region for name, _, region in data.WARDS}
    rounds, taken = [], []
    for region, username in enumerate(COURIERS):
        free = [s for s in received if s not in taken]
        near = [s for s in free if region_of[s.dossier.ward_code] == region]
        chosen = (near + [s for s in free if s not in near])[:rng.randint(6, 8)]
        chosen.sort(key=lambda s: (s.dossier.ward_code, s.dossier.street))
        taken += chosen
        stops = [RoundStop(shipment=s, position=i) for i, s in enumerate(chosen)]
        rounds.append(Round(courier=users[username], post_office=office,
                            round_date=local_today(), stops=stops))
        for shipment in chosen:
            step(shipment, Action.ASSIGN, dispatcher, _this_morning(7.25))
    db.session.add_all(rounds)
    db.session.flush()  # a hand-over looks the shipment's round up
    for stop in (stop for rnd in rounds for stop in rnd.stops):
        stop.open_shipment_id = stop.shipment_id  # open, as services.planning leaves a planned stop
    db.session.flush()

    media = proof_media(random.Random(SEED + 200))
    for rnd in rounds:
        taken_out, visits = MORNING[rnd.courier.username]
        for stop in rnd.stops[:taken_out]:
            # Scanned out at the office, as the phone's take-out records it.
            step(stop.shipment, Action.DISPATCH, rnd.courier, _this_morning(7.75), courier=rnd.courier,
                 details={"taken_by": rnd.courier.username, "handed_by": f"office:{rnd.post_office.code}"})
        for stop, (outcome, hour) in zip(rnd.stops, visits):
            hand_over(stop.shipment, rnd.courier, _this_morning(hour), outcome is Outcome.FAILED, media,
                      store, max_attempts)
    return rounds, [s for s in received if s not in taken]


def _this_morning(hour: float) -> datetime:
    """Today at `hour`, Vietnam time; squeezed in before now if the demo is seeded early in the day."""
    midnight, now = _vn_time(0, 0), utcnow()
    if now - midnight < timedelta(hours=MORNING_ENDS):
        return midnight + (now - midnight) * (hour / MORNING_ENDS)
    return midnight + timedelta(hours=hour)
