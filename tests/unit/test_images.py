"""Image checks: by content, within limits, and cleaned of metadata."""
import io

import pytest
from PIL import Image

from courier.domain.images import (
    ImageRejected, check_image, ink_ratio, reencode_photo, reencode_signature, sniff,
)
from tests import media


def test_a_photo_is_accepted_and_reencoded_without_its_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    original = media.photo_jpeg(2000, 1500, exif=exif.tobytes())
    checked = check_image(original)
    assert (checked.format, checked.width, checked.height) == ("JPEG", 2000, 1500)
    clean = reencode_photo(original)
    image = Image.open(io.BytesIO(clean.content))
    assert max(image.size) == 1280 and not image.getexif()
    assert b"PhoneMaker" in original and b"PhoneMaker" not in clean.content


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"GIF89a" + b"\0" * 20, "not_an_image"),
    (b"<svg onload='alert(1)'></svg>", "not_an_image"),
    (b"\xff\xd8\xff" + b"not really a jpeg" * 10, "corrupt"),
    (media.png_bomb(), "too_many_pixels"),
])
def test_bad_files_are_refused_by_content(content, reason):
    with pytest.raises(ImageRejected) as refused:
        check_image(content)
    assert refused.value.reason == reason


def test_a_truncated_jpeg_is_caught_when_decoded():
    truncated = media.photo_jpeg()[:5000]
    with pytest.raises(ImageRejected) as refused:
        reencode_photo(check_image(truncated).content)
    assert refused.value.reason == "corrupt"


def test_an_oversized_upload_is_refused_before_it_is_read_as_an_image():
    with pytest.raises(ImageRejected) as refused:
        check_image(media.photo_jpeg(), max_bytes=1000)
    assert refused.value.reason == "too_large"


def test_a_png_disguised_as_a_jpeg_name_is_judged_by_its_bytes():
    assert sniff(media.signature_png()) == ("PNG", "image/png")


def test_signature_ink_tells_a_signature_from_a_dot():
    assert ink_ratio(reencode_signature(media.signature_png()).content) > 0.01
    assert ink_ratio(reencode_signature(media.dot_signature_png()).content) < 0.001


def test_a_small_plain_jpeg_from_the_phone_is_not_made_bigger():
    phone_made = media.photo_jpeg(1280, 960, quality=60)
    kept = reencode_photo(phone_made)
    assert len(kept.content) <= len(phone_made)


def test_a_small_jpeg_with_metadata_is_still_rewritten():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    with_exif = media.photo_jpeg(640, 480, quality=60, exif=exif.tobytes())
    assert b"PhoneMaker" not in reencode_photo(with_exif).content


def test_ink_counts_what_is_dark_once_laid_on_white_paper():
    """Black, dark grey and half-transparent black count; light grey and faint black do not."""
    pad = Image.new("RGBA", (100, 10), (0, 0, 0, 0))  # 1,000 pixels, transparent
    strokes = [((0, 0, 0, 255), 10), ((150, 150, 150, 255), 10), ((0, 0, 0, 100), 10),  # ink: 30
               ((220, 220, 220, 255), 10), ((0, 0, 0, 50), 10)]  # on white: 220 and 205, not ink
    x = 0
    for colour, width in strokes:
        for dx in range(width):
            pad.putpixel((x + dx, 5), colour)
        x += width
    out = io.BytesIO()
    pad.save(out, "PNG")
    assert ink_ratio(out.getvalue()) == pytest.approx(30 / 1000)
