"""What a scanned text names, by domain/codes.py: every shared vector (the phone is checked against them too)."""
import json
from pathlib import Path

import pytest

from courier.domain.codes import classify_code

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "scanned_codes.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector["text"][:48] or "empty")
def test_each_scanned_text_names_what_the_vector_says(vector):
    scanned = classify_code(vector["text"])
    named = (scanned.kind, scanned.value) if scanned else (None, None)
    assert named == (vector["kind"], vector["value"])
