"""A phone JPEG whose only extras are a colour profile or comments loses them as bytes, not by a re-encode."""
import struct

import pytest

from courier.domain.images import ImageRejected, clean_photo, is_plain_jpeg, strip_jpeg_metadata
from tests import media


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _after_jfif(jpeg: bytes, *segments: bytes) -> bytes:
    assert jpeg[2:4] == b"\xff\xe0"
    end = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:end] + b"".join(segments) + jpeg[end:]


ICC = _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + bytes(range(256)) * 2)
COMMENT = _segment(0xFE, b"<script>alert(1)</script>")


@pytest.mark.parametrize("extras", [(ICC,), (COMMENT,), (ICC, COMMENT), (_segment(0xED, b"Photoshop 3.0\x00"),)])
def test_profile_and_comment_segments_are_cut_out_and_the_rest_kept_byte_for_byte(extras):
    plain = media.photo_jpeg(640, 480, quality=60)
    sent = _after_jfif(plain, *extras)
    assert not is_plain_jpeg(sent)
    assert clean_photo(sent).content == plain


@pytest.mark.parametrize("segment", [
    _segment(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00"),  # may turn the picture: re-encoded upright
    _segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x00"),              # says RGB or YCbCr: not cut
])
def test_segments_the_pixels_may_depend_on_are_not_cut(segment):
    sent = _after_jfif(media.photo_jpeg(640, 480, quality=60), segment)
    stripped = strip_jpeg_metadata(sent)
    assert stripped is not None and segment in stripped and not is_plain_jpeg(stripped)


def test_zero_padding_after_the_end_is_dropped_and_anything_else_refused():
    plain = media.photo_jpeg(400, 300, quality=60)
    assert clean_photo(_after_jfif(plain, ICC) + b"\x00" * 8).content == plain
    with pytest.raises(ImageRejected) as refused:
        clean_photo(_after_jfif(plain, ICC) + b"<script>alert(1)</script>")
    assert refused.value.reason == "not_an_image"


def test_a_second_end_marker_hiding_a_script_is_not_kept():
    sent = _after_jfif(media.photo_jpeg(400, 300, quality=60), ICC) + b"<script>alert(1)</script>\xff\xd9"
    clean = clean_photo(sent)
    assert b"<script>" not in clean.content and is_plain_jpeg(clean.content)


def test_a_truncated_jpeg_with_a_profile_is_still_refused():
    sent = _after_jfif(media.photo_jpeg(640, 480, quality=60), ICC)
    with pytest.raises(ImageRejected) as refused:
        clean_photo(sent[:len(sent) // 2])
    assert refused.value.reason == "corrupt"
