"""Finding shipments: keyset pages that list each shipment exactly once, search and filters."""
import re
from datetime import timedelta

import pytest

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.models import Round, RoundStop, Shipment
from courier.services.search import fold
from tests import factories
from tests.databases import statements_sent
from tests.integration.dispatch_support import SHIPMENT_LINK as LINK, elsewhere, listed as search, received

WARDS = (20341, 20332)


@pytest.fixture
def many(db, office, users, auth):
    """120 shipments: every third received, two communes, due today or tomorrow."""
    made = []
    for n in range(120):
        shipment = factories.shipment(office, ward_code=WARDS[n % 2], applicant_name=f"Người Số {n}",
                                      due_date=local_today() + timedelta(days=n % 2))
        if n % 3 == 0:
            custody.apply(shipment, Action.RECEIVE, max_attempts=3, actor=users["dispatcher"])
        made.append(shipment)
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return made


def every_page(client, url):
    """Follow the "next page" links from `url`; returns the shipment ids seen on each page."""
    pages = []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(LINK.findall(html))
        found = re.search(r'rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    return pages


@pytest.mark.parametrize("query,keep", [
    ("", lambda n: True),
    ("?state=received", lambda n: n % 3 == 0),
    ("?commune=20332&state=registered", lambda n: n % 2 == 1 and n % 3 != 0),
    (f"?due={local_today().isoformat()}", lambda n: n % 2 == 0),
])
def test_keyset_pages_list_every_matching_shipment_exactly_once(db, client, many, query, keep):
    with statements_sent(db.engine) as statements:
        pages = every_page(client, "/dispatch/shipments" + query)
    seen = [public_id for page in pages for public_id in page]
    expected = [str(s.public_id) for n, s in enumerate(many) if keep(n)]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))
    assert all(len(page) == 50 for page in pages[:-1]) and 0 < len(pages[-1]) <= 50
    assert seen == [str(s.public_id) for s in sorted((s for n, s in enumerate(many) if keep(n)),
                                                     key=lambda s: -s.id)]  # newest first
    # SQLite's dialect writes "LIMIT ? OFFSET ?" with an offset of 0; no page ever skips rows.
    assert not any("OFFSET" in sql.upper() and tuple(params)[-1] != 0 for sql, params in statements)


@pytest.fixture
def people(db, office, users, auth):
    made = {
        "anh": factories.shipment(office, applicant_name="Đặng Thị Ánh", applicant_phone="0935217788"),
        "an": factories.shipment(office, applicant_name="Nguyễn Văn An", applicant_phone="0905123456",
                                 code="000.00.17.H47-261127-4242"),
        "uyen": factories.shipment(office, applicant_name="ÔNG THỊ UYÊN", applicant_phone=None),
    }
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return {key: str(s.public_id) for key, s in made.items()}


@pytest.mark.parametrize("q,who", [
    ("dang thi anh", ["anh"]), ("ĐẶNG", ["anh"]), ("ánh", ["anh"]), ("Ông thị", ["uyen"]),
    ("thi uyen", ["uyen"]), ("uyen", ["uyen", "an"]), ("van an", ["an"]), ("thi", ["anh", "uyen"]),
])
def test_names_match_ignoring_case_and_accents(client, people, q, who):
    assert sorted(search(client, q)) == sorted(people[w] for w in who)


@pytest.mark.parametrize("q,who", [
    ("0905123456", ["an"]), ("+84 905 123 456", ["an"]), ("7788", ["anh"]),
    ("000.00.17.H47-261127-4242", ["an"]), ("261127-4242", ["an"]),
])
def test_codes_and_phones_are_found_whole_or_in_part(client, people, q, who):
    assert search(client, q) == [people[w] for w in who]


def test_search_combines_with_filters(db, client, people):
    assert search(client, "thi", state="received") == []
    assert sorted(search(client, "thi", state="registered")) == sorted([people["anh"], people["uyen"]])


def test_folding_is_the_same_in_python_and_in_the_database(db, people):
    from courier.services.search import folded

    names = db.session.execute(db.select(folded(factories.Dossier.applicant_name))).scalars().all()
    assert sorted(names) == sorted(fold(n) for n in ("Đặng Thị Ánh", "Nguyễn Văn An", "ÔNG THỊ UYÊN"))
    assert fold("Đặng Thị Ánh") == "dang thi anh"


def test_another_offices_shipments_are_never_listed_or_paged_from(db, client, people):
    other = elsewhere(db)
    assert str(other["shipment"].public_id) not in search(client, "")
    assert search(client, "Người Bưu Cục Khác") == []
    # Paging from another office's shipment shows the first page of one's own, as for no shipment at all.
    for cursor in (other["shipment"].public_id, "00000000-0000-0000-0000-000000000009"):
        html = client.get(f"/dispatch/shipments?after={cursor}").get_data(as_text=True)
        assert "Người Bưu Cục Khác" not in html and f"Bộ lọc không hợp lệ: Trang danh sách “{cursor}”" in html
    assert client.get(f"/dispatch/shipments/{other['shipment'].public_id}").status_code == 404


def test_the_first_page_says_when_nothing_matches(client, people):
    html = client.get("/dispatch/shipments?q=khong+ai+co+ten+nay").get_data(as_text=True)
    assert "Không tìm thấy bưu gửi nào." in html and 'rel="next"' not in html


def test_a_shipment_count_is_never_needed_to_page(db, client, many):
    assert db.session.execute(db.select(db.func.count()).select_from(Shipment)).scalar() == 120
    first = every_page(client, "/dispatch/shipments")[0]
    assert len(first) == 50


# -- Filters never answer an error page --------------------------------------------------------

def hrefs(html: str, prefix: str = "/dispatch") -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="([^"#]+)"', html) if h.startswith(prefix)}


def test_every_link_on_the_board_and_the_list_answers_a_page(db, client, many, office, users):
    on_round = received(office, users["dispatcher"])
    custody.apply(on_round, Action.ASSIGN, max_attempts=3)
    db.session.add(Round(courier=users["courier"], post_office=office, round_date=local_today(),
                         stops=[RoundStop(shipment=on_round, position=0)]))
    db.session.commit()
    links = hrefs(client.get("/dispatch/").get_data(as_text=True))
    for query in ("", "?state=registered", f"?state=received&due={local_today()}&commune={WARDS[0]}"):
        links |= hrefs(client.get(f"/dispatch/shipments{query}").get_data(as_text=True))
    assert any("/dispatch/rounds?courier=" in link for link in links) and any("after=" in link for link in links)
    assert len([link for link in links if "/dispatch/shipments?state=" in link]) >= 9
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def failed_visit(shipment, courier):
    for action in (Action.ASSIGN, Action.DISPATCH, Action.FAIL):
        custody.apply(shipment, action, max_attempts=3, courier=courier)


@pytest.mark.parametrize("alias", ["failed", "FAILED", "failed_attempt", "fail"])
def test_failed_is_read_as_the_failed_visit_state(db, client, many, users, alias):
    failed = [many[0], many[3]]
    for shipment in failed:
        failed_visit(shipment, users["courier"])
    db.session.commit()
    response = client.get(f"/dispatch/shipments?state={alias}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bộ lọc không hợp lệ" not in html
    assert sorted(LINK.findall(html)) == sorted(str(s.public_id) for s in failed)
    assert '<option selected value="failed_attempt">' in html


@pytest.mark.parametrize("query, shown", [
    ("state=lost", "Trạng thái “lost”"), ("agency=abc", "Cơ quan “abc”"), ("commune=phuong-1", "Phường/Xã “phuong-1”"),
    ("due=2026-13-45", "Hẹn trả “2026-13-45”"), ("after=trang-2", "Trang danh sách “trang-2”"),
    ("q=" + "a" * 130, "Mã hồ sơ, tên hoặc số điện thoại “" + "a" * 40 + "…”"),
])
def test_an_unreadable_filter_shows_the_list_without_it_and_says_so(client, many, query, shown):
    # A readable filter beside it still applies: both keep the odd-numbered shipments.
    readable = f"due={local_today() + timedelta(days=1)}" if query.startswith("commune") else f"commune={WARDS[1]}"
    response = client.get(f"/dispatch/shipments?{query}&{readable}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Bộ lọc không hợp lệ: {shown}. Danh sách đang hiện không theo bộ lọc này." in html
    assert LINK.findall(html) == [str(s.public_id) for n, s in reversed(list(enumerate(many))) if n % 2 == 1][:50]
    onwards = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"{query}&" not in onwards and readable in onwards   # the next page drops the unreadable one
