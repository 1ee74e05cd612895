"""The server's ink count: a grey-level histogram, bounded from below and above."""
import io

import pytest
from PIL import Image, ImageDraw

from courier.domain.images import (
    MAX_SIGNATURE_INK, MIN_SIGNATURE_INK, clean_signature, ink_ratio, signature_ink_problem,
)
from tests import media


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _dark_share_by_pixel(image: Image.Image) -> float:
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, image.convert("RGBA")).convert("L")
    return sum(1 for level in grey.tobytes() if level < 200) / (image.width * image.height)


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "LA", "P"])
def test_the_ink_is_the_share_of_dark_pixels_on_white_paper_whatever_the_mode(mode):
    pad = Image.open(io.BytesIO(media.signature_png()))
    opaque = Image.alpha_composite(Image.new("RGBA", pad.size, "white"), pad)
    for image in (pad, opaque):
        converted = image.convert(mode)
        assert ink_ratio(_png(converted)) == pytest.approx(_dark_share_by_pixel(converted))


def test_a_painted_pad_is_refused_as_too_dark_and_a_signature_is_accepted():
    black = _png(Image.new("RGB", (600, 315), "black"))
    assert signature_ink_problem(clean_signature(black)[1]) == "signature_too_dark"
    half = Image.new("RGB", (600, 315), "white")
    ImageDraw.Draw(half).rectangle((0, 0, 599, 120), fill=(11, 31, 92))
    assert signature_ink_problem(ink_ratio(_png(half))) == "signature_too_dark"
    assert signature_ink_problem(clean_signature(media.signature_png())[1]) is None
    assert signature_ink_problem(ink_ratio(media.dot_signature_png())) == "signature_too_small"


def test_the_bounds_leave_room_for_every_real_signature():
    assert 0 < MIN_SIGNATURE_INK < 0.01 < 0.2 < MAX_SIGNATURE_INK < 0.5
