"""The dispatcher's board and search at a million shipments and three million events (issues #4, #7).

The data is a province's shape: four post offices (the one measured holds
~55 % of the shipments), the 94 wards and communes of province 48 split
between them, a dozen agencies, Vietnamese names with diacritics drawn with
real surname frequencies, mobile numbers, six months of shipments (ids in
time order), states that follow age (old ones delivered, returned or
cancelled, recent ones spread over the whole state machine), due dates a few
days to two weeks after intake, a visit (attempt) per delivered or failed
shipment, today's rounds, a few citizens' "not received" reports.

Events are written in bulk with seq/prev_hash/hash left NULL: the board and
search never read the chain (it is measured on its own by `verify` in
bench/labels_and_chain.py). Three events a shipment on average: short
histories are whole; long ones keep their first and last steps, the newest
shipments keep all of theirs.

Rows go in by COPY (PostgreSQL, psycopg 3) or executemany on the raw
connection (SQLite), with the secondary indexes dropped during the load and
rebuilt after (as a bulk import would); PostgreSQL is then VACUUM ANALYZEd, SQLite
is left without statistics, as a deployment's database would be.

Pages are timed through the real routes with the Flask test client, logged
in as the office's dispatcher, templates included: each request runs in its
own app context as under a server (in a thread of its own, away from the
context the data was made in).
"""
import gc
import json
import random
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

from sqlalchemy import text

from bench.common import SCALE, median, percentile, report, scratch_app, timed
from courier.domain.folding import fold
from courier.domain.states import State

TARGET = "p95 ≤ 100 ms"
DAYS = 180          # shipments made over the last six months
EVENTS_PER_SHIPMENT = 3
PASSWORD = "mat-khau-do-hieu-nang"
RARE_NAME = "Tôn Nữ Thị Xuân Khuê"   # a handful of dossiers: the worst case of a name search
STAFF = 11          # each office's dispatcher and ten couriers
ROUND_SOURCE = 600  # today's rounds share out the office's newest shipments held by couriers

# Surnames with roughly their share of the population.
FAMILY = (("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 4), ("Phan", 4.5),
          ("Vũ", 2), ("Võ", 3), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
          ("Dương", 1), ("Lý", 0.5), ("Trương", 1.5), ("Đoàn", 1), ("Lương", 0.5), ("Mai", 0.5), ("Tô", 0.3))
MALE_MIDDLE = (("Văn", 40), ("Minh", 8), ("Quốc", 6), ("Đức", 6), ("Hữu", 6), ("Công", 5), ("Thanh", 5),
               ("Hoàng", 4), ("Ngọc", 4), ("Xuân", 4), ("Tấn", 4), ("Đình", 4))
FEMALE_MIDDLE = (("Thị", 45), ("Ngọc", 8), ("Thu", 6), ("Kim", 5), ("Mỹ", 5), ("Thanh", 5), ("Bích", 4),
                 ("Thùy", 4), ("Hồng", 4), ("Phương", 4), ("Diệu", 3))
MALE_GIVEN = ("An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
              "Khải", "Khang", "Khoa", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Quân",
              "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Vũ")
FEMALE_GIVEN = ("An", "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương",
                "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên",
                "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Uyên", "Vân", "Yến")
MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "033", "035", "036", "038", "039",
                   "070", "076", "077", "079", "081", "083", "085", "086", "088", "0235")
STREETS = ("Phan Châu Trinh", "Hùng Vương", "Trần Cao Vân", "Huỳnh Thúc Kháng", "Nguyễn Hoàng", "Lê Lợi",
           "Bạch Đằng", "Trần Quý Cáp", "Phan Bội Châu", "Nguyễn Du", "Duy Tân", "Tiểu La", "Điện Biên Phủ")
VILLAGES = ("Đông Tác", "Phú Quý", "An Hà", "Vĩnh Bình", "Trung Đàn", "Khương Mỹ", "Thạnh Mỹ", "Long Phú",
            "Tú Mỹ", "Xuân Quý", "Đại Phú", "Hòa Bình", "An Thọ", "Phước Lộc")
PROCEDURES = (("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", 200_000),
              ("Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", 50_000),
              ("Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất", 100_000),
              ("Cấp đổi giấy phép lái xe", 100_000), ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 50_000),
              ("Đăng ký khai sinh", 0), ("Cấp bản sao trích lục hộ tịch", 8_000), ("Chứng thực bản sao", 2_000))
OFFICES = (("BC-TAMKY", "Bưu cục Tam Kỳ", 55), ("BC-HAICHAU", "Bưu cục Hải Châu", 20),
           ("BC-HOIAN", "Bưu cục Hội An", 15), ("BC-NUITHANH", "Bưu cục Núi Thành", 10))
# The path to each state, as custody.apply walks it.
PATHS = {
    State.REGISTERED: ("register",), State.RECEIVED: ("register", "receive"),
    State.ASSIGNED: ("register", "receive", "assign"),
    State.OUT_FOR_DELIVERY: ("register", "receive", "assign", "dispatch"),
    State.DELIVERED: ("register", "receive", "assign", "dispatch", "deliver"),
    State.FAILED_ATTEMPT: ("register", "receive", "assign", "dispatch", "fail"),
    State.RETURNING: ("register", "receive", "start_return"),
    State.RETURNED: ("register", "receive", "start_return", "complete_return"),
    State.CANCELLED: ("register", "cancel"),
}
TO_STATE = {"register": "registered", "receive": "received", "assign": "assigned", "dispatch": "out_for_delivery",
            "deliver": "delivered", "fail": "failed_attempt", "start_return": "returning",
            "complete_return": "returned", "cancel": "cancelled"}
COLUMNS = {
    "dossier": ("id", "agency_id", "code", "procedure_name", "applicant_name", "applicant_name_folded",
                "applicant_phone", "street", "ward_code", "province_code", "due_date", "fee_agency", "fee_postage",
                "expected_id_tail", "created_at"),
    "shipment": ("id", "public_id", "dossier_id", "direction", "state", "attempts_count", "post_office_id",
                 "holder_courier_id", "due_date", "created_at", "updated_at"),
    "event": ("id", "shipment_id", "actor_id", "actor_label", "action", "from_state", "to_state", "created_at",
              "details"),
    "attempt": ("id", "client_id", "shipment_id", "courier_id", "outcome", "failure_reason", "captured_at",
                "received_at", "recipient_name", "recipient_relationship", "id_check", "fee_agency_collected",
                "fee_postage_collected", "payment_method", "flagged_reason", "consent_version", "content_digest"),
    "round": ("id", "public_id", "courier_id", "post_office_id", "round_date", "created_at", "version"),
    "round_stop": ("id", "round_id", "shipment_id", "position"),
}


@dataclass
class Made:
    office_id: int
    office_code: str
    office_shipments: int
    events: int
    attempts: int
    dispatcher: str
    probe: dict   # values to search for, taken from the data


@dataclass
class Generated:
    """Every row, made once in Python and loaded into each database as it is."""
    offices: list          # (code, name, ward_code) in id order, from 1
    agencies: list         # (code, name) in id order, from 1
    batches: list          # {table: rows} a batch of shipments at a time
    rounds: list
    stops: list
    made: Made


def bench_board_and_search(kinds: list[str]) -> None:
    """Make the data once, then load it into each kind of database in turn and time the pages there.

    (Loading both at once, SQLite here while PostgreSQL's server builds its indexes, was slower on
    two cores: 152 s against 75 + 54 s one after the other.)
    """
    count = max(5000, int(1_000_000 * SCALE))
    started, cpu = time.perf_counter(), time.process_time()
    data = _generate(count)
    made = data.made
    report("dispatch data, made once in Python",
           f"{count:,} shipments + dossiers, {made.events:,} events (unchained: seq/hash NULL), "
           f"{made.attempts:,} visits in {time.perf_counter() - started:.0f} s "
           f"({time.process_time() - cpu:.0f} s of it our CPU)", "≲ 1 min")
    for kind in kinds:
        with scratch_app(kind) as app:
            from courier.extensions import db

            started = time.perf_counter()
            _load(db, data, kind)
            report(f"dispatch data loaded ({kind}), indexes built", f"{time.perf_counter() - started:.0f} s",
                   "≲ 2 min")
            db.session.remove()
            results: list = []
            # As a gunicorn worker does once loaded (wsgi.py): what is here now, the generated rows
            # included (millions of objects), is left out of the collector's full passes.
            gc.freeze()
            worker = threading.Thread(target=lambda: results.extend(_measure(app, made)))
            worker.start()
            worker.join()
            gc.unfreeze()
        where = f"{kind}, {made.office_shipments:,} in the office"
        for label, samples, found in results:
            report(f"{label} ({where})", f"p50 {median(samples):.0f} / p95 {percentile(samples, 95):.0f} ms"
                   f"{'' if found is None else f', {found} rows'}", TARGET)


def _measure(app, made: Made) -> list:
    """Each page through the real route, in its own app context as under a server."""
    from tests.conftest import csrf_token_from

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = csrf_token_from(page)
    answer = client.post("/login", data={"username": made.dispatcher, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    probe = made.probe
    pages = [
        ("board", "/dispatch/", None),
        ("shipments, first page", "/dispatch/shipments", None),
        ("shipments, deep keyset page", f"/dispatch/shipments?after={probe['deep_after']}", None),
        ("search by dossier code", _search(q=probe["code"]), 1),
        ("search by phone", _search(q=probe["phone"]), 1),
        ("search by code fragment", _search(q=probe["fragment"]), 1),
        ("search 'nguyen van an'", _search(q="nguyen van an"), None),
        ("search 'NGUYỄN'", _search(q="NGUYỄN"), None),
        ("search by a rare name, no accents", _search(q=fold(RARE_NAME)), None),
        ("filter by state (failed)", _search(state="failed_attempt"), None),
        ("filter by commune", _search(commune=probe["ward"]), None),
        ("filter by agency", _search(agency=probe["agency"]), None),
        ("filter by due date", _search(due=probe["due"]), None),
        ("state + commune + name", _search(q="thi", state="delivered", commune=probe["ward"]), None),
    ]
    results = []
    for label, url, expected in pages:
        found = _get(client, url)  # warm: the first request of a kind pays for template compilation
        if expected is not None:
            assert found >= expected, (label, url, found)
        samples = timed(lambda: _get(client, url), 11)
        results.append((label, samples, None if url == "/dispatch/" else found))
    return results


def _search(**args) -> str:
    return "/dispatch/shipments?" + urlencode(args)


LINK = re.compile(r'href="/dispatch/shipments/[0-9a-f-]{36}"')


def _get(client, url: str) -> int:
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return len(LINK.findall(answer.get_data(as_text=True)))


def _weighted(rng: random.Random, pairs, k: int) -> list:
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights, k=k)


def _generate(count: int) -> Generated:
    """Every row of the bench, in Python: ids are given here (a fresh database numbers its offices,
    agencies and staff 1, 2, 3… in the order _load adds them, and it checks)."""
    from vietnam_provinces import Ward

    from courier.domain.formatting import local_today

    rng = random.Random(7)
    now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)   # naive UTC, as stored
    today = local_today()
    wards = sorted(int(w.code) for w in Ward.iter_by_province(48))
    offices = [(code, name, wards[n]) for n, (code, name, _share) in enumerate(OFFICES)]
    office_ids = list(range(1, len(OFFICES) + 1))
    office_weights = [share for _code, _name, share in OFFICES]
    agencies = [("000.00.17.H47", "Trung tâm Phục vụ hành chính công tỉnh")]
    agencies += [(f"000.21.{n:02d}.H47", f"Bộ phận một cửa số {n}") for n in range(1, 12)]
    # Each office's staff, as _load adds them: its dispatcher, then STAFF - 1 couriers.
    dispatchers = {oid: 1 + STAFF * (oid - 1) for oid in office_ids}
    couriers = {oid: list(range(dispatchers[oid] + 1, dispatchers[oid] + STAFF)) for oid in office_ids}
    # Each office serves a block of wards; within an office some wards are much busier.
    ward_split = {office_ids[0]: wards[:40], office_ids[1]: wards[40:65], office_ids[2]: wards[65:82],
                  office_ids[3]: wards[82:]}
    ward_weights = {oid: [1 / (1 + i) ** 0.7 for i in range(len(ws))] for oid, ws in ward_split.items()}
    agency_ids = list(range(1, len(agencies) + 1))
    agency_codes = {n: code for n, (code, _name) in enumerate(agencies, start=1)}
    agency_weights = [45] + [5] * 11

    batches: list[dict] = []
    held = {oid: deque(maxlen=ROUND_SOURCE) for oid in office_ids}   # the newest held shipments
    folded_names: dict[str, str] = {}
    day_counter: dict[tuple, int] = {}
    events_budget = EVENTS_PER_SHIPMENT * count
    event_id = attempt_id = 0
    office_total = 0
    probe: dict = {}
    rare_ids = set(rng.sample(range(1, count + 1), 5))
    disputes = 0
    batch = 50_000
    # The events a shipment keeps: all for the newest ones; the others are trimmed (first and last steps)
    # so the total comes to EVENTS_PER_SHIPMENT a shipment.
    full_history_after = count - _full_histories(count)
    for first in range(1, count + 1, batch):
        last = min(count, first + batch - 1)
        size = last - first + 1
        offices_of = rng.choices(office_ids, weights=office_weights, k=size)
        families = _weighted(rng, FAMILY, size)
        males = [rng.random() < 0.5 for _ in range(size)]
        middles = {True: _weighted(rng, MALE_MIDDLE, size), False: _weighted(rng, FEMALE_MIDDLE, size)}
        agencies_of = rng.choices(agency_ids, weights=agency_weights, k=size)
        wards_of = {oid: rng.choices(ward_split[oid], weights=ward_weights[oid], k=size) for oid in office_ids}
        dossiers, shipments, events, attempts = [], [], [], []
        for i, n in enumerate(range(first, last + 1)):
            office_id = offices_of[i]
            age = DAYS * (1 - n / count)                      # in days; ids grow with time
            created = now - timedelta(days=age, seconds=rng.randrange(600))
            agency_id = agencies_of[i]
            day_key = (agency_id, created.date())
            day_counter[day_key] = number = day_counter.get(day_key, 0) + 1
            code = f"{agency_codes[agency_id]}-{created:%y%m%d}-{number:04d}"
            if n in rare_ids:
                name = RARE_NAME
            else:
                male = males[i]
                name = f"{families[i]} {middles[male][i]} {rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)}"
            if rng.random() < 0.2:   # some names have two middle names
                parts = name.split(" ")
                name = " ".join(parts[:2] + [rng.choice(("Thị", "Văn", "Ngọc", "Minh"))] + parts[2:])
            folded = folded_names.get(name) or folded_names.setdefault(name, fold(name))
            phone = None if rng.random() < 0.04 else f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
            ward = wards_of[office_id][i]
            street = (f"{rng.randint(1, 260)} {rng.choice(STREETS)}" if rng.random() < 0.5
                      else f"Thôn {rng.choice(VILLAGES)}")
            procedure, fee = rng.choice(PROCEDURES)
            due = created.date() + timedelta(days=rng.randint(2, 15))
            dossiers.append((n, agency_id, code, procedure, name, folded, phone, street, ward, 48, due, fee,
                             25_000, f"{rng.randrange(10**4):04d}" if rng.random() < 0.6 else None, created))
            state = _state(rng, age)
            courier = rng.choice(couriers[office_id])
            holder = courier if state in (State.ASSIGNED, State.OUT_FOR_DELIVERY) else None
            path = PATHS[state]
            kept = range(len(path)) if n > full_history_after or len(path) <= EVENTS_PER_SHIPMENT \
                else [0, *range(len(path) + 1 - EVENTS_PER_SHIPMENT, len(path))]
            at = created
            for step in kept:
                action = path[step]
                event_id += 1
                from_state = TO_STATE[path[step - 1]] if step else None
                actor = None if action == "register" else (
                    courier if action in ("dispatch", "deliver", "fail") else dispatchers[office_id])
                events.append((event_id, n, actor, f"agency:{agency_codes[agency_id]}" if actor is None else None,
                               action, from_state, TO_STATE[action], at, "{}"))
                at = min(now, at + timedelta(hours=rng.uniform(2, 30)))
            updated = at
            failed = 1 if state is State.FAILED_ATTEMPT else 0
            if state in (State.DELIVERED, State.FAILED_ATTEMPT):
                attempt_id += 1
                flagged = "Vị trí cách địa chỉ hơn 2 km" if rng.random() < 0.005 else None
                attempts.append((attempt_id, uuid.UUID(int=rng.getrandbits(128), version=4), n, courier,
                                 "failed" if failed else "delivered",
                                 rng.choice(("absent", "wrong_address", "refused")) if failed else None,
                                 updated, updated, None if failed else name, None if failed else "applicant",
                                 None if failed else "not_given", 0 if failed else fee,
                                 0 if failed else 25_000, None if failed else "cash", flagged, "1",
                                 f"{rng.getrandbits(256):064x}"))
                if state is State.DELIVERED and age < 7 and rng.random() < 0.002 and event_id < events_budget:
                    event_id += 1
                    disputes += 1
                    events.append((event_id, n, None, "citizen", "citizen_disputed", None, None,
                                   min(now, updated + timedelta(hours=5)),
                                   json.dumps({"comment": "Tôi chưa nhận được kết quả"}, ensure_ascii=False)))
            shipments.append((n, uuid.UUID(int=rng.getrandbits(128), version=4), n, "deliver_result", str(state),
                              failed, office_id, holder, due, created, updated))
            if holder is not None:
                held[office_id].append((holder, n))
            if office_id == office_ids[0]:
                office_total += 1
                if phone and n % 1000 == 0:
                    probe.update(code=code, phone=phone, fragment=code.split("-", 1)[1])
                if n <= count // 10:
                    probe["deep_after"] = shipments[-1][1]
        batches.append({"dossier": dossiers, "shipment": shipments, "event": events, "attempt": attempts})
    office_id = office_ids[0]
    rounds, stops = _todays_rounds(held, couriers, today, now)
    probe.update(ward=ward_split[office_id][0], agency=agency_ids[0], due=(today + timedelta(days=3)).isoformat())
    made = Made(office_id=office_id, office_code=OFFICES[0][0], office_shipments=office_total, events=event_id,
                attempts=attempt_id, dispatcher=f"dieuphoi-{OFFICES[0][0].lower()}", probe=probe)
    return Generated(offices=offices, agencies=agencies, batches=batches, rounds=rounds, stops=stops, made=made)


def _load(db, data: Generated, kind: str) -> None:
    """The generated rows into a fresh, migrated database: staff through the models, the rest in bulk."""
    from courier.models import Agency, PostOffice, Role, User

    session = db.session
    offices = [PostOffice(code=code, name=name, hotline="02353851234", province_code=48, ward_code=ward)
               for code, name, ward in data.offices]
    session.add_all(offices)
    session.add_all([Agency(code=code, name=name) for code, name in data.agencies])
    for office in offices:
        staff = [User(username=f"dieuphoi-{office.code.lower()}", full_name="Lê Thị Điều Phối",
                      role=Role.DISPATCHER, post_office=office)]
        staff += [User(username=f"buuta{n}-{office.code.lower()}", full_name=f"Nguyễn Văn Bưu Tá {n}",
                       role=Role.COURIER, post_office=office) for n in range(STAFF - 1)]
        for person in staff:
            person.password_hash = "x"
        session.add_all(staff)
        session.flush()   # one office's staff at a time, so their ids are in this order
        assert [p.id for p in staff] == list(range(staff[0].id, staff[0].id + STAFF))
    assert [o.id for o in offices] == list(range(1, len(offices) + 1))
    session.execute(db.select(User).filter_by(username=data.made.dispatcher)).scalar_one().set_password(PASSWORD)
    session.commit()

    loader = _Loader(session.connection(), kind)
    loader.drop_indexes(tuple(COLUMNS))
    for batch in data.batches:
        for table, rows in batch.items():
            loader.copy(table, rows)
    loader.copy("round", data.rounds)
    loader.copy("round_stop", data.stops)
    loader.restore_indexes()
    # The board's counts per state, as migration 0009 makes them from the rows already there.
    session.execute(text("INSERT INTO shipment_tally (post_office_id, state, count) "
                         "SELECT post_office_id, state, count(*) FROM shipment GROUP BY post_office_id, state"))
    session.commit()
    db.engine.dispose()   # no pooled connection keeps the load's settings (SQLite's foreign_keys OFF)
    if kind == "postgresql":
        # What autovacuum does to a table at rest: statistics, and the visibility map that lets
        # counts per state read the index alone.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def _full_histories(count: int) -> int:
    """How many of the newest shipments keep every event (the others keep 3 at most): about 3 a shipment."""
    return count // 33


def _state(rng: random.Random, age: float) -> State:
    """A state that fits the shipment's age in days: old ones are closed, recent ones spread out."""
    roll = rng.random()
    if age > 14:
        return State.DELIVERED if roll < 0.92 else State.RETURNED if roll < 0.97 else State.CANCELLED
    if age < 1.5:
        return (State.REGISTERED, State.RECEIVED, State.ASSIGNED, State.OUT_FOR_DELIVERY)[min(3, int(roll * 4))]
    if age < 4:
        return rng.choices((State.RECEIVED, State.ASSIGNED, State.OUT_FOR_DELIVERY, State.DELIVERED,
                            State.FAILED_ATTEMPT), weights=(20, 15, 15, 40, 10))[0]
    return rng.choices((State.RECEIVED, State.ASSIGNED, State.DELIVERED, State.FAILED_ATTEMPT, State.RETURNING,
                        State.RETURNED, State.CANCELLED), weights=(5, 3, 75, 8, 4, 3, 2))[0]


def _todays_rounds(held: dict, couriers: dict, today, now) -> tuple[list, list]:
    """Each courier's round today: the shipments they hold (of the office's newest held ones)."""
    rounds, stops, round_id, stop_id = [], [], 0, 0
    for office_id, newest in held.items():
        by_courier: dict[int, list[int]] = {}
        for courier_id, shipment_id in reversed(newest):
            by_courier.setdefault(courier_id, []).append(shipment_id)
        for courier_id in couriers[office_id]:
            round_id += 1
            rounds.append((round_id, uuid.uuid4(), courier_id, office_id, today, now, 1))
            for position, shipment_id in enumerate(by_courier.get(courier_id, [])[:60]):
                stop_id += 1
                stops.append((stop_id, round_id, shipment_id, position))
    return rounds, stops


class _Loader:
    """Bulk rows into one transaction: COPY on PostgreSQL, executemany on SQLite's own connection."""

    def __init__(self, connection, kind: str):
        self.connection = connection
        self.kind = kind
        self.raw = connection.connection.driver_connection
        self.dropped: list[str] = []
        self.tables: set[str] = set()
        if kind == "postgresql":
            # Bench rows are consistent by construction: skip the per-row foreign-key triggers.
            connection.exec_driver_sql("SET session_replication_role = replica")
            connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
        else:
            # Before the load's first write, so outside a transaction, where SQLite honours it.
            self.raw.execute("PRAGMA foreign_keys = OFF")
            self.raw.execute("PRAGMA cache_size = -262144")

    def drop_indexes(self, tables) -> None:
        """Drop secondary indexes (not those behind constraints) and, on SQLite, the triggers that
        keep the search table in step (migration 0010); all made again in one pass after the load."""
        names = ", ".join(f"'{t}'" for t in tables)
        if self.kind == "postgresql":
            found = self.connection.exec_driver_sql(
                f"SELECT 'INDEX', indexname, indexdef FROM pg_indexes WHERE tablename IN ({names}) AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint)").all()
        else:
            found = self.connection.exec_driver_sql(
                f"SELECT upper(type), name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                f"AND tbl_name IN ({names}) AND sql IS NOT NULL").all()
        for kind, name, definition in found:
            self.connection.exec_driver_sql(f'DROP {kind} "{name}"')
            self.dropped.append(definition)

    def restore_indexes(self) -> None:
        for definition in self.dropped:
            self.connection.exec_driver_sql(definition)
        if self.kind == "sqlite":
            # The dossiers' trigrams in one pass, as migration 0010 fills the table.
            self.connection.exec_driver_sql("INSERT INTO dossier_search (dossier_search) VALUES ('rebuild')")
        if self.kind == "postgresql":
            for table in self.tables:
                self.connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")
            self.connection.exec_driver_sql("SET session_replication_role = DEFAULT")

    def copy(self, table: str, rows: list[tuple]) -> None:
        if not rows:
            return
        self.tables.add(table)
        columns = COLUMNS[table]
        if self.kind == "postgresql":
            with self.raw.cursor() as cursor:
                with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        convert = _sqlite_row(rows[0])
        self.raw.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', map(convert, rows))


def _sqlite_row(sample: tuple):
    """A function writing a row's values as SQLAlchemy stores them on SQLite: DATETIME and DATE
    as text, UUID as 32 hex digits (the column kinds are read off a sample row; those are never NULL)."""
    def stamp(value):
        return value.isoformat(" ", "microseconds")

    converters = [stamp if isinstance(v, datetime) else date.isoformat if isinstance(v, date)
                  else (lambda u: u.hex) if isinstance(v, uuid.UUID) else None for v in sample]
    active = [(i, c) for i, c in enumerate(converters) if c]

    def convert(row):
        row = list(row)
        for i, c in active:
            row[i] = c(row[i])
        return row
    return convert
