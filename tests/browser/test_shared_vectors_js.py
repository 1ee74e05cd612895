"""The phone's half of the rules it shares with the server, against the same vectors.

codes.js and recipient.js are imported into the public /offline page of a Pixel 7 Chromium;
tests/unit/test_scanned_codes.py and test_id_mask_vectors.py check the server's half.
"""
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).parents[1] / "vectors"
CODES = json.loads((VECTORS / "scanned_codes.json").read_text())["vectors"]
MASKS = json.loads((VECTORS / "id_mask.json").read_text())["vectors"]


@pytest.fixture(scope="module")
def modules(chromium, live_server):
    playwright, browser = chromium
    context = browser.new_context(**playwright.devices["Pixel 7"], locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.goto("/offline")
    page.evaluate("""async () => {
      window.shared = {...await import('/static/js/courier/codes.js'),
                       ...await import('/static/js/courier/recipient.js')};
    }""")
    yield page
    context.close()


def test_the_phone_names_every_scanned_text_as_the_server_does(modules):
    named = modules.evaluate("""(texts) => texts.map((text) => {
      const code = window.shared.classifyCode(text);
      if (!code) return [null, null];
      const value = {citizen_link: code.token, cccd: code.card && code.card.idNumber,
                     uuid: code.uuid, dossier_code: code.code}[code.kind];
      return [code.kind, value];
    })""", [vector["text"] for vector in CODES])
    assert named == [[vector["kind"], vector["value"]] for vector in CODES]


def test_the_phone_masks_every_id_number_as_the_server_does(modules):
    masked = modules.evaluate("(ids) => ids.map((id) => window.shared.maskIdNumber(id))",
                              [vector["id"] for vector in MASKS])
    assert masked == [vector["masked"] for vector in MASKS]


def test_the_hand_over_form_masks_a_whole_number_the_same_way(modules):
    whole = [vector for vector in MASKS if vector["masked"] and vector["id"].isdigit()]
    masked = modules.evaluate("(ids) => ids.map((id) => window.shared.checkId(id, null).masked)",
                              [vector["id"] for vector in whole])
    assert masked == [vector["masked"] for vector in whole]
    # Only the last digits typed: the number's length is unknown, so they are shown as a CCCD's.
    assert modules.evaluate("window.shared.checkId('1234', '1234')") == \
        {"masked": "********1234", "check": "matched", "problem": None}
