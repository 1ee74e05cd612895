"""Hand-overs under load: gunicorn serving the real app, wrk posting real hand-overs (issue #7).

The server is the production entry point (`wsgi:app`) under gunicorn with the settings below,
on a scratch PostgreSQL database and on a scratch SQLite file, with the production durability
defaults (SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit=on`, media fsynced).

The load comes from wrk in its own process (bench/handover_load.lua). Each request is what the
courier app's outbox sends (static/js/courier/outbox.js): multipart with the attempt's JSON, a
signature PNG and a 1280×960 photo JPEG of about 150 KB, the courier's session cookie and
X-CSRFToken (each simulated courier logs in once through the login form), a fresh client UUID,
and a shipment of that courier's round no other request uses. Photos and signatures differ from
request to request, so the media store never skips a write for bytes it already has.

The ceiling is a bare Flask app (bench/ceiling_app.py) under the same gunicorn settings that
takes the same requests, parses the same multipart, writes the parts to disk with an fsync and
answers 201: what this machine can do for such requests before any of our work.
"""
from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("handover_load.lua")
# As many workers as a 2-core production box would run: 2 × cores, 2 threads each (the sync
# call waits on fsync and the database, where a second thread helps).
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "2"))
CONNECTIONS = tuple(int(c) for c in os.environ.get("BENCH_HANDOVER_CONNECTIONS", "16,64").split(","))
SECONDS = int(os.environ.get("BENCH_HANDOVER_SECONDS", "8"))
WRK_THREADS = 2
COURIERS = 64
# Enough shipments for every level at 400 hand-overs/s; a run that used them all says so.
SHIPMENTS = int(os.environ.get("BENCH_HANDOVER_SHIPMENTS", str(len(CONNECTIONS) * SECONDS * 400)))
USER_AGENT = "courier-bench/1"  # the session is bound to the login's user agent ("strong" protection)
PASSWORD = "mat-khau-do-tai-1"
PATH = "/api/v1/courier/attempts"
TARGET_RATE, TARGET_P95, TARGET_RATIO = 240, 150, 0.5
TARGET_CPU_RATIO = 0.3  # the bare request's CPU over a hand-over's: at most ~3× the work of parsing and writing it
CEILING_RATE = 1500  # requests a second that a level's records are sized for, at most


@dataclass
class LoadResult:
    connections: int
    created: int
    seconds: float
    non_201: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    exhausted: int
    sample: str
    used: list = field(default_factory=list)
    cpu_ms: float = 0.0  # server CPU time per hand-over answered 201
    load: float = 0.0    # the machine's 1-minute load average around the run

    @property
    def rate(self) -> float:
        return self.created / self.seconds

    @property
    def errors(self) -> int:
        return self.non_201 + self.socket_errors


def bench_handover_load(kinds: list[str]) -> dict:
    """Run the load against the real app on each database in `kinds` and against the ceiling."""
    from bench.common import report

    if not _have_wrk():
        report("hand-over load", "skipped: wrk is not installed (apt-get install wrk)")
        return {}
    work = Path(tempfile.mkdtemp(prefix="courier-handover-"))
    try:
        photo, offset, made_by = photo_jpeg()
        print(f"  hand-over load: sending {made_by}", flush=True)
        (work / "photo.jpg").write_bytes(photo)
        results = {kind: _run_real(kind, work, offset) for kind in kinds}
        results["ceiling"] = _run_ceiling(work, offset)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    settings = f"gunicorn {GUNICORN_WORKERS}×{GUNICORN_THREADS}, wrk {WRK_THREADS} threads, {SECONDS} s each"
    report(f"hand-over load ({settings}, photo {len(photo) // 1000} KB: {made_by})", "")
    ceiling = {r.connections: r for r in results["ceiling"]}
    for kind in kinds:
        for result in results[kind]:
            report(f"  {kind}, {result.connections} connections",
                   f"{result.rate:.0f}/s, p50 {result.p50_ms:.0f} p95 {result.p95_ms:.0f} p99 {result.p99_ms:.0f} ms, "
                   f"{result.errors} errors{', RAN OUT of shipments' if result.exhausted else ''} "
                   f"(load {result.load:.1f})",
                   f"≥ {TARGET_RATE}/s, p95 ≤ {TARGET_P95} ms" if kind == "postgresql" else "")
            if result.errors:
                report(f"    first error ({kind}, {result.connections})", result.sample[:120])
    for result in results["ceiling"]:
        report(f"  bare Flask ceiling, {result.connections} connections",
               f"{result.rate:.0f}/s, p50 {result.p50_ms:.0f} p95 {result.p95_ms:.0f} ms, {result.errors} errors"
               f"{', RAN OUT of records' if result.exhausted else ''} (load {result.load:.1f})")
    for kind in kinds:
        for result in results[kind]:
            top = ceiling.get(result.connections)
            if top and top.rate:
                report(f"  {kind} / ceiling, {result.connections} connections", f"{result.rate / top.rate:.2f}",
                       f"≥ {TARGET_RATIO}" if kind == "postgresql" else "")
    # What the rates would be on free cores: the server's CPU time per request (gunicorn's
    # processes, plus PostgreSQL's backends) does not depend on what else the machine runs.
    cores = os.cpu_count() or 1
    ceiling_cpu = _median([r.cpu_ms for r in results["ceiling"] if r.created])
    for kind in kinds:
        cpu = _median([r.cpu_ms for r in results[kind] if r.created])
        if cpu:
            report(f"  {kind}: server CPU per hand-over", f"{cpu:.1f} ms, ≈ {cores * 1000 / cpu:.0f}/s on {cores} "
                   f"free cores", f"≥ {TARGET_RATE}/s" if kind == "postgresql" else "")
            if ceiling_cpu:
                report(f"  {kind} / ceiling, by CPU per request", f"{ceiling_cpu / cpu:.2f} "
                       f"({cpu:.1f} ms a hand-over, {ceiling_cpu:.1f} ms the bare request)",
                       f"≥ {TARGET_CPU_RATIO}" if kind == "postgresql" else "")
    return results


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2] if values else 0.0


# ---------------------------------------------------------------- the real app


def _run_real(kind: str, work: Path, offset: int) -> list[LoadResult]:
    from bench.common import scratch_app

    print(f"  hand-over load on {kind}: making {COURIERS} couriers and {SHIPMENTS:,} shipments", flush=True)
    with scratch_app(kind) as app:
        from courier.extensions import db

        app.config["PASSWORD_HASH_METHOD"] = "scrypt:1024:8:1"  # only so 64 logins are quick
        shipments = _generate(db, SHIPMENTS)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
        folder = Path(app.config["MEDIA_DIR"]).parent
        env = _server_env(app.config["SQLALCHEMY_DATABASE_URI"], folder)
        database = None
        if kind == "postgresql":
            from sqlalchemy.engine import make_url

            database = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        with _gunicorn(["wsgi:app"], env, folder, database) as server:
            sessions = _log_in(server.url, sorted({courier for courier, _ in shipments}))
            rng = random.Random(11)
            rng.shuffle(shipments)
            pool = [(sessions[courier], str(public_id), n) for n, (courier, public_id) in enumerate(shipments)]
            results = _levels(server, pool, work, offset)
        _check_stored(app, kind, results)
        shutil.rmtree(folder / "media", ignore_errors=True)  # gigabytes of photos
    shutil.rmtree(folder, ignore_errors=True)
    return results


def _server_env(database_url: str, folder: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SQLITE_", "RATELIMIT_", "MEDIA_", "DATABASE_"))}
    env.update({
        "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret", "COURIER_INSTANCE_DIR": str(folder),
        "MEDIA_DIR": str(folder / "media"), "CHECKPOINT_KEY_FILE": str(folder / "key.pem"),
        "CHECKPOINT_LOG_FILE": str(folder / "checkpoints.jsonl"),
        # Limits stay on (as in production); only the login one is raised, for 64 logins from one address.
        "LOGIN_RATE_LIMIT": "10000 per minute",
    })
    return env


def _generate(db, count: int) -> list[tuple[int, uuid.UUID]]:
    """One office, COURIERS couriers, each with today's round of count/COURIERS shipments out for delivery."""
    from sqlalchemy import insert, text

    from courier.domain.formatting import local_today
    from courier.domain.states import State
    from courier.models import Agency, Dossier, PostOffice, Role, Round, RoundStop, Shipment, User
    from courier.services.agency_keys import set_webhook

    office = PostOffice(code="BC-LOAD", name="Bưu cục đo tải", ward_code=20341, province_code=48)
    agency = Agency(code="000.00.17.H47", name="Trung tâm Phục vụ hành chính công")
    db.session.add_all([office, agency])
    db.session.flush()
    set_webhook(agency, "https://agency.example/hooks/courier")  # agencies listen: one delivery queued per hand-over
    couriers = []
    for n in range(COURIERS):
        courier = User(username=f"taibuuta{n:02d}", full_name=f"Bưu tá đo tải {n}", role=Role.COURIER,
                       post_office=office)
        courier.set_password(PASSWORD)
        couriers.append(courier)
    db.session.add_all(couriers)
    db.session.flush()
    connection, now, today = db.session.connection(), datetime.now(timezone.utc), local_today()
    # The chains' head rows exist in any database that has had a delivery; with none, the
    # first concurrent seals would race to create them (see the report).
    from courier.domain.chain import GENESIS
    from courier.ledger.chain import CHAINS
    from courier.models import ChainHead

    connection.execute(insert(ChainHead), [{"name": name, "seq": 0, "hash": GENESIS} for name in CHAINS])
    round_ids = {}
    for courier in couriers:
        round_ids[courier.id] = connection.execute(insert(Round).values(
            public_id=uuid.uuid4(), courier_id=courier.id, post_office_id=office.id, round_date=today,
            created_at=now, version=1).returning(Round.id)).scalar()
    made = []
    batch = 5000
    extra = {}
    if hasattr(Dossier, "applicant_name_folded"):  # the search column, kept by the model's setter
        from courier.domain.folding import fold

        extra["applicant_name_folded"] = fold("Trần Thị Bích Ngọc")
    for first in range(1, count + 1, batch):
        ids = range(first, min(count, first + batch - 1) + 1)
        connection.execute(insert(Dossier), [{
            "id": n, "agency_id": agency.id, "code": f"000.00.17.H47-260101-{n:06d}",
            "procedure_name": "Cấp phiếu lý lịch tư pháp", "applicant_name": "Trần Thị Bích Ngọc",
            "applicant_phone": "0905123456", "street": f"{n % 300} Phan Châu Trinh", "ward_code": 20341,
            "province_code": 48, "due_date": today, "fee_agency": 200_000, "fee_postage": 25_000,
            # The tail the load's "matched" hand-overs show: the server checks it (handover.lua).
            "expected_id_tail": "1234", "created_at": now, **extra} for n in ids])
        rows = [{"id": n, "public_id": uuid.uuid4(), "dossier_id": n, "direction": "deliver_result",
                 "state": State.OUT_FOR_DELIVERY, "attempts_count": 0, "post_office_id": office.id,
                 "holder_courier_id": couriers[n % COURIERS].id, "due_date": today, "created_at": now,
                 "updated_at": now}
                for n in ids]
        connection.execute(insert(Shipment), rows)
        connection.execute(insert(RoundStop), [{
            "round_id": round_ids[row["holder_courier_id"]], "shipment_id": row["id"], "position": row["id"] // COURIERS}
            for row in rows])
        made += [(n % COURIERS, row["public_id"]) for n, row in zip(ids, rows)]
    connection.execute(text("INSERT INTO shipment_tally (post_office_id, state, count) "
                            "SELECT post_office_id, state, count(*) FROM shipment GROUP BY post_office_id, state"))
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect() as analyze:
            analyze.exec_driver_sql("ANALYZE")
            analyze.commit()
        # Sequences after explicit ids.
        with db.engine.connect() as fix:
            for table in ("dossier", "shipment"):
                fix.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))")
            fix.commit()
    return made


def _log_in(base_url: str, courier_numbers: list[int]) -> dict[int, tuple[str, str]]:
    """Each courier logs in through the form once; returns {courier: (session cookie, CSRF token)}."""
    import requests

    from tests.conftest import csrf_token_from

    def one(n: int) -> tuple[str, str]:
        client = requests.Session()
        client.headers["User-Agent"] = USER_AGENT
        page = client.get(f"{base_url}/login").text
        token = csrf_token_from(page)
        answer = client.post(f"{base_url}/login", data={"username": f"taibuuta{n:02d}", "password": PASSWORD,
                                                         "csrf_token": token}, allow_redirects=False)
        assert answer.status_code == 302, f"login failed: {answer.status_code}"
        # As the app does: the outbox's token comes from the round's X-CSRFToken header.
        round_ = client.get(f"{base_url}/api/v1/courier/round", headers={"Accept": "application/json"})
        assert round_.status_code == 200 and round_.json()["stops"], round_.status_code
        return client.cookies["session"], round_.headers["X-CSRFToken"]

    with ThreadPoolExecutor(8) as pool:
        return dict(zip(courier_numbers, pool.map(one, courier_numbers)))


def _check_stored(app, kind: str, results: list[LoadResult]) -> None:
    """The hand-overs answered 201 are in the database, each with its two proofs."""
    from sqlalchemy import func, select

    from courier.extensions import db
    from courier.models import Attempt, Proof

    with app.app_context():
        attempts = db.session.execute(select(func.count()).select_from(Attempt)).scalar()
        proofs = db.session.execute(select(func.count()).select_from(Proof)).scalar()
        db.session.remove()
        db.engine.dispose()
    created = sum(result.created for result in results)
    if attempts < created or proofs != 2 * attempts:
        print(f"  WARNING ({kind}): {created} answered 201 but {attempts} attempts and {proofs} proofs stored",
              flush=True)


# ---------------------------------------------------------------- the ceiling


def _run_ceiling(work: Path, offset: int) -> list[LoadResult]:
    folder = work / "ceiling"
    (folder / "uploads").mkdir(parents=True)
    env = dict(os.environ, CEILING_UPLOAD_DIR=str(folder / "uploads"))
    sessions = {0: ("x" * 180, "y" * 90)}  # about the size of the real cookie and token; not checked
    # Records cost nothing here (any id will do): as many as a level may take, so a fast machine's
    # ceiling never runs out (at 800/s, SHIPMENTS would not last two levels).
    pool = [(sessions[0], str(uuid.uuid4()), n) for n in range(len(CONNECTIONS) * SECONDS * CEILING_RATE)]
    with _gunicorn(["bench.ceiling_app:app"], env, folder) as server:
        return _levels(server, pool, work, offset)


# ---------------------------------------------------------------- the load


def _levels(server: Server, pool: list, work: Path, offset: int) -> list[LoadResult]:
    """One wrk run per concurrency level, each with shipments of its own from `pool`."""
    results = []
    signatures = SignatureMaker()
    for connections in CONNECTIONS:
        folder = work / f"run-{connections}"
        folder.mkdir(exist_ok=True)
        shutil.copy(work / "photo.jpg", folder / "photo.jpg")
        # At most CEILING_RATE/s worth for this level (files with a signature each take time to write).
        taken, pool = pool[:SECONDS * CEILING_RATE], pool[SECONDS * CEILING_RATE:]
        share = len(taken) // WRK_THREADS
        slices = [taken[i * share:(i + 1) * share] for i in range(WRK_THREADS)]
        for index, records in enumerate(slices):
            with open(folder / f"thread-{index}.bin", "wb") as out:
                for (cookie, csrf), shipment, variant in records:
                    signature = signatures.make(variant)
                    out.write(f"{cookie}\t{csrf}\t{shipment}\t{variant}\t{len(signature)}\n".encode())
                    out.write(signature)
        load_before, cpu_before = os.getloadavg()[0], server.cpu_seconds()
        result = _wrk(server.url, connections, folder, offset)
        result.cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(1, result.created)
        result.load = max(load_before, os.getloadavg()[0])
        print(f"    {connections} connections: {result.rate:.0f}/s, p95 {result.p95_ms:.0f} ms, "
              f"{result.errors} errors, server CPU {result.cpu_ms:.1f} ms each, load {result.load:.1f}", flush=True)
        results.append(result)
        pool = [record for index, records in enumerate(slices) for record in records[result.used[index]:]] + pool
    return results


def _wrk(base_url: str, connections: int, folder: Path, offset: int) -> LoadResult:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{SECONDS}s", "--timeout", "10s",
               "-s", str(LUA), base_url, "--", str(folder), str(offset), str(random.randrange(1 << 30)), PATH]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 60)
    line = next((l for l in finished.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {finished.stdout}\n{finished.stderr}")
    raw = json.loads(line[len("RESULT "):])
    sample = next((l[len("SAMPLE "):] for l in finished.stdout.splitlines() if l.startswith("SAMPLE ")), "")
    seconds = raw["duration_us"] / 1e6
    result = LoadResult(connections, raw["requests"] - raw["non_201"], seconds, raw["non_201"],
                        raw["socket_errors"] + raw["timeouts"], raw["p50_us"] / 1000, raw["p95_us"] / 1000,
                        raw["p99_us"] / 1000, raw["exhausted"], sample.strip(), raw["used"])
    return result


@dataclass
class Server:
    url: str
    pid: int
    database: str | None = None  # PostgreSQL database name, to count its backends' CPU too

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's processes (and by PostgreSQL's backends for our database).

        The machine may be shared: CPU time per hand-over says what the throughput would be
        on free cores, where the wall-clock rate only says what it was.
        """
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                ours = int(fields[2]) == self.pid  # process group: the master and its workers
                if not ours and self.database:
                    ours = (f" {self.database} ").encode() in (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                if ours:
                    total += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, ValueError, IndexError):
                continue
        return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def _gunicorn(app_args: list[str], env: dict, folder: Path, database: str | None = None):
    """Serve under gunicorn with the bench's settings; yields a Server; stops the whole group after."""
    port = _free_port()
    log = open(folder / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(GUNICORN_WORKERS),
         "--threads", str(GUNICORN_THREADS), "--bind", f"127.0.0.1:{port}", "--no-control-socket",
         *app_args], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base_url, server, folder / "gunicorn.log")
        yield Server(base_url, server.pid, database)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _wait_until_serving(base_url: str, server: subprocess.Popen, log: Path) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            requests.get(f"{base_url}/login", timeout=10)
            # Every worker has imported the app once one answers? Not quite: give the rest a moment.
            time.sleep(1.0)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):  # as the Makefile does for chromium
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return shutil.which("wrk") is not None


# ---------------------------------------------------------------- the media


def photo_jpeg(target: int = 150_000) -> tuple[bytes, int, str]:
    """A 1280×960 JPEG of at most `target` bytes made by Chromium's canvas, as the phone makes it
    (JFIF, Chromium's APP2 ICC profile, no EXIF), of a door-step scene (tests/phone_photos.py);
    a Pillow-made noisy JPEG if Chromium cannot be run.

    Returns the bytes, the offset of the last three entries of its first quantisation table
    (which the load varies so that every request carries a different, valid photo) and what made it.
    """
    try:
        from tests.phone_photos import canvas_encode, document_scene

        for quality in (0.82, 0.72, 0.62, 0.52, 0.42):  # as images.js does for JPEG
            photo = canvas_encode(document_scene(), "image/jpeg", quality)
            if len(photo) <= target:
                return photo, _first_dqt_tail(photo), f"Chromium canvas JPEG, quality {quality}"
    except Exception as error:  # noqa: BLE001 (no Chromium here: say so and measure anyway)
        print(f"  hand-over load: no Chromium photo ({error}); a Pillow JPEG instead", flush=True)
    from PIL import Image

    rng = random.Random(5)
    small = Image.new("RGB", (160, 120))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(160 * 120)])
    image = small.resize((1280, 960), Image.BICUBIC)
    best = None
    for quality in range(95, 20, -5):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) <= target:
            break
    return best, _first_dqt_tail(best), f"Pillow JPEG of noise, quality {quality}"


def _first_dqt_tail(jpeg: bytes) -> int:
    position = 2
    while position < len(jpeg):
        marker, length = jpeg[position + 1], struct.unpack(">H", jpeg[position + 2:position + 4])[0]
        if marker == 0xDB:
            assert jpeg[position + 4] == 0, "8-bit table 0 first"
            return position + 5 + 61
        position += 2 + length
    raise ValueError("no quantisation table")


class SignatureMaker:
    """Signature PNGs as the pad exports them (IHDR, IDAT, IEND), each one with a few pixels of its own.

    As large as the phone's: the pad is 100 % × 200 CSS px, on a Pixel 7 (412 px wide, device pixel
    ratio 2.625) about 1000 × 525 pixels, which the app scales to 600 px wide (static/js/courier/
    signature.js), with a name written across it in anti-aliased strokes. The server decodes every
    pixel of it for the ink check, so a smaller one would flatter the figures.
    The strokes are compressed once; each variant only adds its last row, so thousands cost little.
    """

    WIDTH, HEIGHT = 600, 315

    def __init__(self):
        import math

        from PIL import Image, ImageDraw

        # Drawn at twice the size and scaled down, as a browser smooths a stroke's edges.
        # On white, as the pad draws (signature.js: backgroundColor white): an opaque PNG, whose ink
        # the server reads straight from its grey levels (a transparent one is flattened first).
        large = Image.new("RGBA", (1000 * 2, 525 * 2), (255, 255, 255, 255))
        pen = ImageDraw.Draw(large)
        for stroke, (start, end) in enumerate(((80, 420), (440, 700), (730, 940))):
            points = [(2 * x, 2 * (260 + 110 * math.sin(x / 21 + stroke) + 45 * math.sin(x / 6)))
                      for x in range(start, end, 3)]
            pen.line(points, fill=(0, 0, 0, 255), width=9, joint="curve")
        image = large.resize((self.WIDTH, self.HEIGHT), Image.LANCZOS)
        raw = image.tobytes()
        stride = self.WIDTH * 4
        self.prefix = zlib.compressobj(6)
        self.head = self.prefix.compress(b"".join(
            b"\x00" + raw[row * stride:(row + 1) * stride] for row in range(self.HEIGHT - 1)))
        ihdr = struct.pack(">IIBBBBB", self.WIDTH, self.HEIGHT, 8, 6, 0, 0, 0)
        self.start = b"\x89PNG\r\n\x1a\n" + self._chunk(b"IHDR", ihdr)
        self.end = self._chunk(b"IEND", b"")

    @staticmethod
    def _chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def make(self, n: int) -> bytes:
        row = bytearray(b"\xff" * (self.WIDTH * 4))  # white, opaque
        for bit in range(24):  # the variant's number, as dark pixels on the bottom row
            if n >> bit & 1:
                row[(20 + bit * 6) * 4:(21 + bit * 6) * 4] = b"\x10\x10\x10\xff"
        tail = self.prefix.copy()
        data = self.head + tail.compress(b"\x00" + bytes(row)) + tail.flush()
        return self.start + self._chunk(b"IDAT", data) + self.end
