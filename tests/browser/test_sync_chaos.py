"""Chaos during a sync: the server is killed at random moments and the browser closed and reopened.

Twenty hand-overs with photos wait in the phone's outbox. While they are sent,
gunicorn gets SIGKILL several times at random points, and the browser profile
is closed and reopened. In the end the server holds exactly those twenty, their
media intact, and the outbox is empty.
"""
import base64
import random
import time
import uuid
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from courier.domain.storage import MediaStore
from courier.models import Attempt
from tests import factories, media
from tests.browser.conftest import courier_round, launch_phone_profile, log_in, open_courier_app

pytestmark = pytest.mark.browser
COUNT = 20
ENQUEUE = """async ([captures, signature, photo, roundId]) => {
  const blob = (b64, type) => new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], {type});
  for (const attempt of captures) {
    await (await import('/static/js/courier/outbox.js')).enqueue({attempt, roundId,
      media: {signature: blob(signature, "image/png"), photo: blob(photo, "image/jpeg")}});
  }
}"""
PENDING = "async () => (await (await import('/static/js/courier/db.js')).outboxEntries()).length"


def _captures(shipments):
    return [{"client_id": str(uuid.uuid4()), "shipment_id": str(s.public_id), "outcome": "delivered",
             "captured_at": datetime.now(timezone.utc).isoformat(),
             "recipient": {"name": s.dossier.applicant_name, "relationship": "applicant", "id_check": "not_given"},
             "fees": {"agency": 0, "postage": 0, "method": "cash"}, "consent_version": "2026-11"}
            for s in shipments]


def _server_attempts(db):
    db.session.expire_all()
    return db.session.execute(db.select(Attempt)).scalars().all()


def test_twenty_hand_overs_survive_kills_and_a_browser_restart(app, chromium, live_server, db, office, users,
                                                              tmp_path):
    playwright, _ = chromium
    rng = random.Random(20)
    shipments = courier_round(db, office, users, [(f"Người nhận số {n}", {}) for n in range(COUNT)])

    def launch():
        return launch_phone_profile(playwright, live_server.url, tmp_path / "profile")

    context = launch()
    page = context.pages[0]
    open_courier_app(page, users["courier"].username)
    context.set_offline(True)
    captures = _captures(shipments)
    round_id = page.evaluate("async () => (await (await import('/static/js/courier/db.js')).getRound()).round.id")
    page.evaluate(ENQUEUE, [captures, base64.b64encode(media.signature_png()).decode(),
                            base64.b64encode(media.photo_jpeg(800, 600, quality=70)).decode(), round_id])
    assert page.evaluate(PENDING) == COUNT

    context.set_offline(False)
    for _ in range(3):  # kill the server at a random moment of a sync, three times
        page.evaluate("async () => { (await import('/static/js/courier/outbox.js')).flush(); }")  # started, not awaited
        time.sleep(rng.uniform(0.05, 0.6))
        live_server.kill()
        live_server.start()
    page.evaluate("async () => { (await import('/static/js/courier/outbox.js')).flush(); }")
    time.sleep(rng.uniform(0.05, 0.4))
    context.close()  # and the phone restarts in the middle of one
    context = launch()
    try:
        page = context.pages[0]
        page.goto("/courier/")
        if page.get_by_role("link", name="Đăng nhập lại").count():
            page.get_by_role("link", name="Đăng nhập lại").tap()
        if "/login" in page.url:
            log_in(page, users["courier"].username, factories.PASSWORD)
        deadline = time.monotonic() + 90
        while page.evaluate(PENDING) and time.monotonic() < deadline:
            page.evaluate("async () => (await import('/static/js/courier/outbox.js')).flush()")
            time.sleep(0.5)
        assert page.evaluate(PENDING) == 0
        expect(page.locator("#pending")).to_have_text("Chờ gửi: 0")
    finally:
        context.close()

    stored = _server_attempts(db)
    assert sorted(str(a.client_id) for a in stored) == sorted(c["client_id"] for c in captures)
    store = MediaStore(live_server.env["MEDIA_DIR"])
    for attempt in stored:
        assert len(attempt.proofs) == 2, (attempt.client_id, attempt.received_at, attempt.flagged_reason,
                                          [str(a.received_at) for a in stored])
        assert all(store.verify(proof.sha256) for proof in attempt.proofs)
