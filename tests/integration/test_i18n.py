"""The interface in Vietnamese (the default) and in English: the switch, the pages, the catalogue.

The msgids are the Vietnamese text itself, so Vietnamese needs no catalogue; English
comes from courier/translations/en/LC_MESSAGES/messages.po, compiled here if needed.
"""
import html
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import courier
from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.extensions import babel
from courier.models import Round, RoundStop
from tests import factories

ROOT = Path(courier.__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "courier" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile each .po into the .mo Flask-Babel reads, as `make` does, so no `make` is needed.

    A .mo is rewritten only when its content differs from the .po's (missing or stale),
    and atomically, so parallel test workers never read half a file.
    """
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=True)  # as the Makefile's pybabel compile
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.read_bytes() == compiled.getvalue():
            continue
        fd, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(compiled.getvalue())
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo)
    # Flask-Babel keeps loaded catalogues for the life of the process; forget any
    # loaded by an earlier test before the .mo existed.
    domain = babel.__dict__.get("domain_instance")
    if domain is not None:
        domain.cache.clear()


def _html(response) -> str:
    return response.get_data(as_text=True)


def _lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', page)
    assert match, "page has no <html lang>"
    return match.group(1)


def _title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match, "page has no <title>"
    return html.unescape(match.group(1)).strip()


def _switch_language(client, page: str):
    """Follow the language link shown in the page's top bar, as a user would click it."""
    match = re.search(r'<a class="lang" href="([^"]+)"', page)
    assert match, "page shows no language switch"
    return client.get(html.unescape(match.group(1)), follow_redirects=True)


def _link_text(page: str) -> str:
    match = re.search(r'<a class="lang"[^>]*>([^<]*)</a>', page)
    assert match, "page shows no language switch"
    return match.group(1).strip()


# -- What people see ---------------------------------------------------------------------------

def test_the_login_page_is_vietnamese_by_default(client):
    page = _html(client.get("/login"))
    assert _lang(page) == "vi"
    assert _title(page) == "Đăng nhập · Courier"
    for text in ("Tên đăng nhập", "Mật khẩu", "Ghi nhớ trên máy này",
                 "Dành cho nhân viên bưu cục: bưu tá, điều phối viên, quản trị."):
        assert text in page
    assert _link_text(page) == "English"


def test_the_language_link_switches_to_english_and_back(client):
    english = _switch_language(client, _html(client.get("/login")))
    assert english.request.path == "/login"  # back on the page the user was on
    page = _html(english)
    assert _lang(page) == "en"
    assert _title(page) == "Log in · Courier"
    for text in ("<h1>Log in</h1>", "Username", "Password", "Remember me on this device",
                 "For post office staff: couriers, dispatchers and administrators.", "Results delivery"):
        assert text in page
    assert "Đăng nhập" not in page and "Mật khẩu" not in page
    assert _link_text(page) == "Tiếng Việt"

    vietnamese = _switch_language(client, page)
    page = _html(vietnamese)
    assert _lang(page) == "vi"
    assert _title(page) == "Đăng nhập · Courier"
    assert "Log in" not in page


def test_a_login_error_is_shown_in_english_after_switching(client, auth, users):
    _switch_language(client, _html(client.get("/login")))
    page = _html(auth.login(users["courier"].username, "not-the-password", follow=True))
    assert "Incorrect username or password." in page


def test_the_language_choice_survives_logging_in(client, auth, users):
    _switch_language(client, _html(client.get("/login")))
    home = auth.login(users["courier"].username, follow=True)
    assert home.request.path == "/courier/"
    page = _html(home)
    assert _lang(page) == "en"
    assert _title(page) == "Today's delivery round · Courier"
    assert "You have no delivery round today." in page
    assert "Log out" in page and "Đăng xuất" not in page
    assert " · Courier · " in page  # the role in the who-am-I line, not "Bưu tá"


def _shipment_out_for_delivery(office, courier_user, dispatcher, **dossier_fields):
    shipment = factories.shipment(office, **dossier_fields)
    for action in (Action.RECEIVE, Action.ASSIGN):
        custody.apply(shipment, action, max_attempts=3, actor=dispatcher)
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, actor=dispatcher, courier=courier_user)
    return shipment


def _shell_strings(page: str) -> dict:
    """The strings the courier's scripts show, from the shell's JSON block."""
    match = re.search(r'<script type="application/json" id="courier-strings">(.*?)</script>', page, re.S)
    assert match, "the courier's page has no strings block"
    return json.loads(match.group(1))


def test_a_courier_sees_the_round_in_english_after_switching(db, office, users, auth, client):
    """The shell's labels and the scripts' strings come translated; the round's from the API."""
    courier_user, dispatcher = users["courier"], users["dispatcher"]
    round_ = Round(courier=courier_user, post_office=office, round_date=local_today())
    for position in (1, 2):
        shipment = _shipment_out_for_delivery(office, courier_user, dispatcher)
        round_.stops.append(RoundStop(shipment=shipment, position=position))
    db.session.add(round_)
    db.session.commit()

    vietnamese = _html(auth.login(courier_user.username, follow=True))
    assert _lang(vietnamese) == "vi"
    for text in ("Tuyến phát hôm nay", "Hẹn trả", "Cần thu", "Gọi", "Phát cho người nhận", "Cuối ngày"):
        assert text in vietnamese
    assert _shell_strings(vietnamese)["pending"] == "Chờ gửi: {count}"
    assert [stop["state_label"] for stop in client.get("/api/v1/courier/round").json["stops"]] == \
        ["Đang phát", "Đang phát"]

    page = _html(_switch_language(client, vietnamese))
    assert _lang(page) == "en"
    assert _title(page) == "Today's delivery round · Courier"
    assert "<h1>Today's delivery round</h1>" in page
    for text in ("Due date", "To collect", ">Call<", ">Directions<", ">Hand over<", ">Confirm hand-over<",
                 ">End of day<", "Log out"):
        assert text in page
    strings = _shell_strings(page)
    assert strings["pending"] == "Waiting to send: {count}"
    assert strings["states"]["out_for_delivery"] == "Out for delivery"
    shown = page + json.dumps(strings, ensure_ascii=False)
    for text in ("Tuyến phát hôm nay", "Hẹn trả", "Gọi", "Đang phát", "Chờ gửi", "Bưu tá"):
        assert text not in shown
    body = client.get("/api/v1/courier/round").json
    assert [stop["state_label"] for stop in body["stops"]] == ["Out for delivery", "Out for delivery"]
    assert {"code": "absent", "label": "Recipient not at home"} in body["failure_reasons"]


def test_a_dispatcher_sees_the_board_in_english_after_switching(db, office, users, auth, client):
    factories.shipment(office, due_date=local_today())  # registered, due today
    _shipment_out_for_delivery(office, users["courier"], users["dispatcher"])
    db.session.commit()

    board = _html(auth.login(users["dispatcher"].username, follow=True))
    page = _html(_switch_language(client, board))
    assert _lang(page) == "en"
    assert "<h1>Dispatch board</h1>" in page
    assert "2 shipments" in page
    assert "Due today or overdue" in page
    for header in ("Dossier number", "Recipient", "Due date", "Status"):
        assert f"<th>{header}</th>" in page
    for label in ("Awaiting pickup from the agency", "Received at the post office",
                  "Assigned to a round", "Out for delivery", "Delivered", "Delivery attempt failed",
                  "Being returned to the agency", "Returned to the agency", "Cancelled"):
        assert f'<span class="label">{label}</span>' in page
    assert " · Dispatcher · " in page  # the role in the who-am-I line
    for text in ("Bảng điều phối", "bưu gửi", "Chờ nhận từ cơ quan", "Đang phát", "Trạng thái"):
        assert text not in page


def test_error_pages_follow_the_chosen_language(client):
    client.get("/language/en")
    page = _html(client.get("/no-such-page"))
    assert _lang(page) == "en"
    assert "Page not found." in page and "Back to the home page" in page


# -- The switch itself -------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["fr", "EN", "xx", "en-US"])
def test_an_unknown_language_code_is_ignored(client, code):
    response = client.get(f"/language/{code}?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = _html(client.get("/login"))
    assert _lang(page) == "vi" and _title(page) == "Đăng nhập · Courier"


def test_an_unknown_language_code_keeps_the_current_choice(client):
    client.get("/language/en")
    client.get("/language/fr")
    assert _lang(_html(client.get("/login"))) == "en"


def test_a_tampered_session_language_falls_back_to_vietnamese(client):
    with client.session_transaction() as session:
        session["lang"] = "fr"
    assert _lang(_html(client.get("/login"))) == "vi"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "http:/evil.example/", "\\\\evil.example/",
    "/\\evil.example/", "/\t/evil.example/", "javascript:alert(1)", "evil.example",
])
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and "\t" not in location, location
    assert _lang(_html(client.get("/login"))) == "en"  # the choice itself is still honoured


# -- The catalogue -----------------------------------------------------------------------------

def _english_catalog():
    with EN_PO.open("rb") as source:
        return read_po(source, locale="en")


def _messages_in_source() -> dict:
    """{(msgid, context): first place it is used}, extracted as `make extract-messages` does."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, "_l": None}  # pybabel extract -k _l
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.setdefault((message, context), f"{filename}:{lineno}")
    return found


def test_every_message_in_the_source_has_an_english_translation():
    catalog = _english_catalog()
    found = _messages_in_source()
    assert len(found) > 50, "extraction found almost nothing; is babel.cfg still right?"
    missing = []
    for (message, context), where in sorted(found.items(), key=lambda item: item[1]):
        entry = catalog.get(message, context)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else \
            (entry.string,) if entry is not None else ()
        if entry is None or entry.fuzzy or not strings or not all(s.strip() for s in strings):
            state = "missing" if entry is None else "fuzzy" if entry.fuzzy else "empty"
            missing.append(f"  {where}: {message!r} ({state})")
    assert not missing, (
        f"{len(missing)} message(s) without an English translation in "
        f"{os.path.relpath(EN_PO, ROOT)}; run `make extract-messages` and translate:\n"
        + "\n".join(missing))


def test_english_translations_keep_their_placeholders():
    problems = [f"  {message.id!r}: {'; '.join(map(str, errors))}"
                for message, errors in _english_catalog().check()]
    assert not problems, "translations that break their placeholders:\n" + "\n".join(problems)
