"""Hostile and broken input: bad files, oversized bodies, forms without CSRF, idle sessions."""
import io
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from courier.models import Attempt, Event, Proof
from tests import media
from tests.conftest import csrf_token_from
from tests.attempts import delivered, post


def _corpus() -> dict[str, bytes]:
    """Files a careless or hostile phone might send as a photo."""
    good = media.photo_jpeg(400, 300)
    zip_tail = b"PK\x03\x04" + b"\x00" * 26 + b"evil.html<script>alert(1)</script>"
    return {
        "truncated JPEG": good[: len(good) // 2],
        "PNG bomb": media.png_bomb(),
        "SVG with script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "HTML renamed .jpg": b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "JPEG+ZIP polyglot": good + zip_tail,
        "zero bytes": b"",
        "GIF": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    }


@pytest.mark.parametrize("name", list(_corpus()))
def test_each_bad_file_is_refused_with_a_message_and_nothing_changes(db, courier_client, on_round, name):
    before = db.session.execute(db.select(Event)).scalars().all()
    response = post(courier_client, delivered(on_round), photo=_corpus()[name])
    assert response.status_code == 422, name
    assert response.json["fields"]["photo"]  # a sentence, in Vietnamese
    assert re.search(r"[ảạấầẩẫậắằẳẵặẻẽếềểễệỉịỏọốồổỗộớờởỡợủụứừửữựỳỵỷỹđ]", response.json["fields"]["photo"])
    db.session.expire_all()
    assert db.session.execute(db.select(Attempt)).first() is None
    assert db.session.execute(db.select(Proof)).first() is None
    assert len(db.session.execute(db.select(Event)).scalars().all()) == len(before)


def test_a_30_mb_upload_is_refused_before_it_is_read(db, courier_client, on_round):
    boundary = "courier-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"attempt\"\r\n\r\n"
            f"{json.dumps(delivered(on_round))}\r\n--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"photo\"; filename=\"big.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff" + b"\0" * (30 * 1024 * 1024) \
        + f"\r\n--{boundary}--\r\n".encode()
    response = courier_client.post("/api/v1/courier/attempts", data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and response.json["error"] == "too_large"
    assert "quá lớn" in response.json["message"]
    assert db.session.execute(db.select(Attempt)).first() is None


def test_a_photo_with_gps_exif_is_stored_without_it(app, db, courier_client, on_round):
    exif = Image.Exif()
    exif[0x8825] = {2: (15.0, 34.0, 23.0)}  # GPS latitude of the citizen's home
    exif[0x010F] = "HomePhoneMaker"
    response = post(courier_client, delivered(on_round), photo=media.photo_jpeg(exif=exif.tobytes()))
    assert response.status_code == 201
    from courier.domain.storage import MediaStore

    photo = next(p for p in db.session.execute(db.select(Proof)).scalars() if p.kind.value == "photo")
    stored = MediaStore(app.config["MEDIA_DIR"]).get(photo.sha256)
    assert b"HomePhoneMaker" not in stored and not Image.open(io.BytesIO(stored)).getexif()


class TestQuota:
    @pytest.fixture
    def app_settings(self):
        return {"UPLOAD_QUOTA_BYTES_PER_DAY": 60_000}

    def test_a_courier_past_the_daily_quota_is_refused(self, db, courier_client, on_round):
        response = post(courier_client, delivered(on_round), photo=media.photo_jpeg(1280, 960, seed=9))
        assert response.status_code == 422 and "dung lượng" in response.json["message"]
        assert db.session.execute(db.select(Attempt)).first() is None


def test_every_state_changing_route_refuses_a_request_without_csrf(app, users, client, auth):
    agency_key = {"api.push_dossier", "api.put_webhook", "api.acknowledge", "api.send_back"}
    for rule in list(app.url_map.iter_rules()):
        unsafe = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not unsafe or rule.endpoint in agency_key:
            continue
        path = re.sub(r"<(\w+:)?(\w+)>", lambda m: "1" if m.group(1) == "int:" else str(uuid.uuid4()), rule.rule)
        for role in ("courier", "dispatcher", "admin", "agency_desk"):
            auth.login(users[role].username)
            response = client.open(path, method=sorted(unsafe)[0], data={"x": "1"}, buffered=True)
            if response.status_code != 403:
                break
        assert response.status_code == 400, f"{rule.endpoint} answered {response.status_code} without a CSRF token"


class TestIdleDispatcher:
    @pytest.fixture
    def app_settings(self):
        return {"DISPATCHER_IDLE_MINUTES": 30}

    def test_a_dispatcher_idle_too_long_must_log_in_again(self, db, users, client, auth):
        from courier.models import UserSession  # the login's last request is kept on the server

        auth.login(users["dispatcher"].username)
        assert client.get("/dispatch/").status_code == 200
        login = db.session.execute(db.select(UserSession)).scalar_one()
        login.last_seen_at -= timedelta(minutes=31)
        db.session.commit()
        response = client.get("/dispatch/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert client.get("/dispatch/").status_code == 302  # logged out for good

    def test_a_courier_is_not_logged_out_for_a_day_offline(self, db, users, client, auth):
        from courier.models import UserSession

        auth.login(users["courier"].username)
        login = db.session.execute(db.select(UserSession)).scalar_one()
        login.last_seen_at -= timedelta(hours=10)  # a day on the road with no signal
        db.session.commit()
        assert client.get("/api/v1/courier/round").status_code == 200
