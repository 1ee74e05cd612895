"""The courier's service worker and manifest are the courier's alone.

A citizen opening their link and a dispatcher at the console install nothing (no worker, no
manifest); a browser that got the worker before it was confined to the courier's page drops
it there, unless the phone is a courier's.
"""
import pytest
from playwright.sync_api import expect

from courier.domain.tokens import new_token
from courier.models import CitizenLink, LinkSource
from tests import factories
from tests.browser.conftest import log_in, open_courier_app, register_worker, wait_until

pytestmark = pytest.mark.browser
REGISTRATIONS = "async () => (await navigator.serviceWorker.getRegistrations()).length"
COURIER_CACHES = "async () => (await caches.keys()).filter((name) => name.startsWith('courier-')).length"


@pytest.fixture
def citizen_path(db, office):
    shipment = factories.shipment(office, applicant_name="Trần Thị Bích Ngọc")
    db.session.flush()
    token, token_hash = new_token()
    db.session.add(CitizenLink(shipment_id=shipment.id, token_hash=token_hash, source=LinkSource.AGENCY))
    db.session.commit()
    return f"/t/{token}"


def settled(page) -> None:
    """Give a page's scripts the time a registration would take (it starts on "load")."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)


def test_a_citizens_page_registers_no_worker_and_links_no_manifest(phone, citizen_path):
    response = phone.goto(citizen_path)
    assert response.status == 200
    settled(phone)
    assert phone.evaluate(REGISTRATIONS) == 0
    expect(phone.locator("link[rel=manifest]")).to_have_count(0)


def test_a_dispatchers_page_registers_no_worker_and_links_no_manifest(phone, users):
    log_in(phone, users["dispatcher"].username, factories.PASSWORD)
    assert "/dispatch/" in phone.url
    settled(phone)
    assert phone.evaluate(REGISTRATIONS) == 0
    expect(phone.locator("link[rel=manifest]")).to_have_count(0)


def test_the_courier_page_links_the_manifest_and_registers_the_worker(phone, users):
    open_courier_app(phone, users["courier"].username)
    expect(phone.locator("link[rel=manifest]")).to_have_count(1)
    assert phone.evaluate(REGISTRATIONS) == 1


def test_a_citizen_browser_drops_a_worker_left_from_before(phone, citizen_path):
    # As every page did before: the worker registered on a page that is not the courier's.
    phone.goto("/offline")
    register_worker(phone)
    wait_until(phone, "async () => Boolean((await navigator.serviceWorker.getRegistration() || {}).active)")
    wait_until(phone, COURIER_CACHES)
    phone.goto(citizen_path)
    wait_until(phone, f"async () => !(await ({REGISTRATIONS})()) && !(await ({COURIER_CACHES})())")


def test_a_couriers_phone_keeps_its_worker_on_a_citizens_page(phone, users, citizen_path):
    open_courier_app(phone, users["courier"].username)
    phone.goto(citizen_path)
    settled(phone)
    assert phone.evaluate(REGISTRATIONS) == 1


def test_the_precache_is_the_courier_pages_files_less_the_lazy_ones(phone, users):
    from tests.browser.test_courier_scan_offline import worker_lists

    lists = worker_lists(phone.request.get("/service_worker.js").text())
    open_courier_app(phone, users["courier"].username)
    loaded = phone.evaluate("""() => [...document.querySelectorAll(
        'link[rel=modulepreload], link[rel=stylesheet], script[src], link[rel=manifest]')]
        .map((element) => new URL(element.href || element.src).pathname)""")
    assert "/static/js/courier/db.js" in loaded and "/static/vendor/idb-8.0.4/index.js" in loaded
    assert set(loaded) <= set(lists["PRECACHE"])
    assert not set(lists["LAZY"]) & set(lists["PRECACHE"])
