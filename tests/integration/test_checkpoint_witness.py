"""Checkpoints kept where a database editor cannot reach: a log outside the database, the agencies.

The two attacks of issue #17 (item 2) are done literally, with SQL on the tables and the app's
own link_hash, by someone who can edit every table but holds neither the log nor the key.
"""
import base64
import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text

from courier.domain import webhooks
from courier.domain.chain import EVENT_FIELDS, canonical_values, link_hash
from courier.domain.states import Action
from courier.ledger import custody
from courier.models import ChainCheckpoint, Event, WebhookDelivery
from courier.queue import huey
from courier.services import agency_keys, webhook_delivery
from courier.tasks import make_checkpoints
from tests import factories
from tests.integration.agency_endpoint import AgencyEndpoint
from tests.integration.test_chain import history  # noqa: F401 (a fixture: a dozen events in the chain)


def cli(app, command):
    return app.test_cli_runner().invoke(args=[command])


def log_lines(app) -> list[dict]:
    path = Path(app.config["CHECKPOINT_LOG_FILE"])
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_clean_history_checkpointed_by_hand_verifies_against_its_log(app, history):
    made = cli(app, "checkpoint")
    assert made.exit_code == 0 and f"event #{history} " in made.output
    logged = {line["chain"]: line for line in log_lines(app)}
    assert logged["event"]["seq"] == history
    assert stat.S_IMODE(os.stat(app.config["CHECKPOINT_LOG_FILE"]).st_mode) == 0o600
    result = cli(app, "verify")
    assert result.exit_code == 0, result.output


def test_deleting_the_last_event_with_the_checkpoints_fails_verify(app, db, history):
    cli(app, "checkpoint")
    # The first attack: drop the last event, move the head back, delete every checkpoint.
    previous = db.session.execute(text("SELECT hash FROM event WHERE seq = :s"), {"s": history - 1}).scalar()
    db.session.execute(text("DELETE FROM event WHERE seq = :s"), {"s": history})
    db.session.execute(text("UPDATE chain_head SET seq = :s, hash = :h WHERE name = 'event'"),
                       {"s": history - 1, "h": previous})
    db.session.execute(text("DELETE FROM chain_checkpoint"))
    db.session.commit()
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"event: {history - 1} bản ghi hợp lệ" in result.output  # the chain alone looks whole
    assert f"event #{history} of " in result.output and "is missing from the database" in result.output
    assert f"the chain is shorter than #{history} now" in result.output


def test_rewriting_an_old_event_and_every_link_after_it_fails_verify(app, db, history):
    cli(app, "checkpoint")
    # The second attack: edit an old event, recompute every link with the app's own
    # function, move the head, delete the checkpoints.
    db.session.execute(text("UPDATE event SET actor_label = 'forged' WHERE seq = 2"))
    table = Event.__table__
    rows = db.session.execute(db.select(*(table.c[f] for f in EVENT_FIELDS), table.c.seq)
                              .order_by(table.c.seq)).all()
    prev = db.session.execute(text("SELECT prev_hash FROM event WHERE seq = 1")).scalar()
    for row in rows:
        digest = link_hash(prev, row.seq, canonical_values(EVENT_FIELDS, row[:len(EVENT_FIELDS)]))
        db.session.execute(text("UPDATE event SET prev_hash = :p, hash = :h WHERE seq = :s"),
                           {"p": prev, "h": digest, "s": row.seq})
        prev = digest
    db.session.execute(text("UPDATE chain_head SET hash = :h WHERE name = 'event'"), {"h": prev})
    db.session.execute(text("DELETE FROM chain_checkpoint"))
    db.session.commit()
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert f"event: {history} bản ghi hợp lệ" in result.output  # the recomputed chain passes alone
    assert f"event #{history}: history before it was rewritten" in result.output


def test_a_lost_log_or_a_forged_line_fails_verify(app, history):
    cli(app, "checkpoint")
    log = Path(app.config["CHECKPOINT_LOG_FILE"])
    lines = log.read_text().splitlines()
    log.unlink()
    result = cli(app, "verify")
    assert result.exit_code == 1 and "is missing or empty, but the database has" in result.output
    forged = dict(json.loads(lines[0]), seq=1)  # a head someone would rather have had
    log.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    result = cli(app, "verify")
    assert result.exit_code == 1 and f"line {len(lines) + 1}: " in result.output and "signature does not match" in result.output


def test_the_checkpoint_task_is_periodic_hourly_by_default(app):
    assert app.config["CHECKPOINT_EVERY_MINUTES"] == 60

    def due(*at) -> bool:
        return "make_checkpoints" in {task.name for task in huey.read_periodic(datetime(*at))}

    assert due(2031, 5, 7, 10, 5)           # once at the worker's start
    assert not due(2031, 5, 7, 10, 30)      # not again within the hour
    assert not due(2031, 5, 7, 10, 59, 30)
    assert due(2031, 5, 7, 11, 0, 20)       # then once each hour
    assert not due(2031, 5, 7, 11, 0, 50)
    app.config["CHECKPOINT_EVERY_MINUTES"] = 0
    assert not due(2031, 5, 7, 12, 0)       # 0: never


@pytest.fixture
def receivers():
    made = [AgencyEndpoint(), AgencyEndpoint()]
    yield made
    for each in made:
        each.close()


def test_the_worker_checkpoints_moved_chains_logs_them_and_tells_each_agency(app, db, office, users, history,
                                                                             receivers):
    secrets = {factories.agency(code).id: agency_keys.set_webhook(factories.agency(code), receiver.url)
               for code, receiver in zip(("000.00.17.H47", "000.00.22.H47"), receivers)}
    factories.agency("000.00.30.H47")  # no webhook: told nothing
    db.session.commit()
    heads = dict(db.session.execute(text("SELECT name, seq FROM chain_head")).all())

    make_checkpoints.call_local()
    db.session.expire_all()
    checkpoints = db.session.execute(db.select(ChainCheckpoint)).scalars().all()
    assert {(c.chain, c.seq) for c in checkpoints} == {(name, seq) for name, seq in heads.items() if seq}
    assert [(line["chain"], line["seq"]) for line in log_lines(app)] == sorted((c.chain, c.seq) for c in checkpoints)
    deliveries = db.session.execute(db.select(WebhookDelivery)).scalars().all()
    assert sorted(d.agency_id for d in deliveries) == sorted(list(secrets) * len(checkpoints))
    for delivery in deliveries:
        event = delivery.payload
        assert event["type"] == "chain.checkpoint"
        # What an agency does, trusting nothing of ours but the public key it was given.
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(event["public_key"]))
        public.verify(base64.b64decode(event["signature"]),
                      f"{event['chain']}|{event['seq']}|{event['hash']}|{event['created_at']}".encode())

    # Sent through the outbox like any event, HMAC-signed with each agency's own secret.
    for delivery in deliveries:
        webhook_delivery.deliver_one(delivery.event_id)
    for agency_id, receiver in zip(secrets, receivers):
        assert len(receiver.received) == len(checkpoints)
        headers, body = receiver.received[0]
        assert webhooks.verify(body, headers[webhooks.SIGNATURE_HEADER], secrets[agency_id])

    make_checkpoints.call_local()  # nothing happened since: no new checkpoint, line or event
    db.session.expire_all()
    assert db.session.execute(text("SELECT count(*) FROM chain_checkpoint")).scalar() == len(checkpoints)
    assert len(log_lines(app)) == len(checkpoints)

    custody.apply(factories.shipment(office), Action.RECEIVE, max_attempts=3, actor=users["dispatcher"])
    db.session.commit()
    head = db.session.execute(text("SELECT seq FROM chain_head WHERE name = 'event'")).scalar()
    make_checkpoints.call_local()
    assert head > history  # only the event chain moved, and only it is checkpointed again
    assert [(line["chain"], line["seq"]) for line in log_lines(app)[len(checkpoints):]] == [("event", head)]
    assert cli(app, "verify").exit_code == 0


def test_the_report_prints_each_chains_last_checkpoint_in_vietnam_time(app, db, client, auth, users, history):
    import io
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    from courier.domain.formatting import local_today

    cli(app, "checkpoint")
    checkpoint = db.session.execute(db.select(ChainCheckpoint).filter_by(chain="event")).scalar_one()
    signed_at = checkpoint.created_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M %d/%m/%Y")
    auth.login(users["dispatcher"].username)
    html = client.get("/dispatch/reports").get_data(as_text=True)
    section = html[html.index('id="checkpoint-table"'):]
    assert f'<th scope="row" title="event">Giao nhận</th><td class="num">{history}</td>' in section
    assert f"{checkpoint.hash[:16]}…" in section and signed_at in section
    workbook = load_workbook(io.BytesIO(client.get("/dispatch/reports/export.xlsx").data))
    rows = [[cell.value for cell in row] for row in workbook["Điểm kiểm tra"].iter_rows()]
    assert ["Giao nhận (event)", history, checkpoint.hash, signed_at] in rows
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    earlier = client.get(f"/dispatch/reports?start={yesterday}&end={yesterday}").get_data(as_text=True)
    assert "Chưa có điểm kiểm tra nào đến ngày này." in earlier  # a day's report shows that day's heads
