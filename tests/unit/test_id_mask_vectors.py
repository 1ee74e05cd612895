"""The ID mask, by identity.masked_tail: every shared vector (the phone's maskIdNumber is checked against them too)."""
import json
from pathlib import Path

import pytest

from courier.domain.identity import InvalidIdNumber, masked_tail

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "id_mask.json").read_text())["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector["id"] or "empty")
def test_each_id_number_is_masked_as_the_vector_says(vector):
    try:
        masked = masked_tail(vector["id"])
    except InvalidIdNumber:
        masked = None
    assert masked == vector["masked"]
