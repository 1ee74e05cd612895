"""A photo made by Chromium's canvas, as the courier's phone sends it, is stored without a re-encode.

Chromium writes an sRGB ICC profile (APP2) into every JPEG its canvas encodes: the server cuts
that segment out as bytes and keeps the scans exactly as sent.
"""
import pytest

from courier.domain.images import is_plain_jpeg
from courier.models import Attempt, Proof
from tests.attempts import delivered, post
from tests.phone_photos import chromium_photo_jpeg


def _segments(jpeg: bytes) -> list[tuple[int, bytes]]:
    """(marker, whole segment) up to the first scan, then (0xDA, the scan to the end)."""
    position, found = 2, []
    while True:
        marker = jpeg[position + 1]
        if marker == 0xDA:
            found.append((marker, jpeg[position:]))
            return found
        end = position + 2 + int.from_bytes(jpeg[position + 2:position + 4], "big")
        found.append((marker, jpeg[position:end]))
        position = end


@pytest.fixture(scope="session")
def chromium_jpeg():
    return chromium_photo_jpeg(0.82)


def _stored_photo(app, db):
    from courier.domain.storage import MediaStore

    db.session.expire_all()
    [attempt] = db.session.execute(db.select(Attempt)).scalars().all()
    [photo] = [proof for proof in attempt.proofs if proof.kind.value == "photo"]
    return MediaStore(app.config["MEDIA_DIR"]).path_for(photo.sha256).read_bytes()


def test_chromium_writes_an_icc_profile_into_its_canvas_jpegs(chromium_jpeg):
    markers = [marker for marker, _ in _segments(chromium_jpeg)]
    assert 0xE2 in markers and b"ICC_PROFILE\x00" in chromium_jpeg
    assert not is_plain_jpeg(chromium_jpeg)


def test_a_chromium_photo_is_stored_as_sent_minus_its_profile(app, db, courier_client, on_round, chromium_jpeg):
    response = post(courier_client, delivered(on_round), photo=chromium_jpeg)
    assert response.status_code == 201, response.json
    stored = _stored_photo(app, db)
    sent = _segments(chromium_jpeg)
    assert stored == chromium_jpeg[:2] + b"".join(segment for marker, segment in sent if marker != 0xE2)
    assert _segments(stored)[-1] == sent[-1]  # the entropy-coded data, byte for byte: no re-encode
    assert len(stored) < len(chromium_jpeg) and is_plain_jpeg(stored)


@pytest.mark.parametrize("tail", [b"<script>alert(document.domain)</script>",
                                  b"<script>alert(document.domain)</script>\xff\xd9"])
def test_a_chromium_photo_with_a_script_after_its_end_is_not_stored_with_it(app, db, courier_client, on_round,
                                                                          chromium_jpeg, tail):
    response = post(courier_client, delivered(on_round), photo=chromium_jpeg + tail)
    if response.status_code == 201:
        stored = _stored_photo(app, db)
        assert b"<script>" not in stored and stored.endswith(b"\xff\xd9") and is_plain_jpeg(stored)
    else:
        assert response.status_code == 422 and set(response.json["fields"]) == {"photo"}
        assert db.session.execute(db.select(Proof)).scalars().all() == []
