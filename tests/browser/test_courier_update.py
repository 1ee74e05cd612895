"""Deploys reach the phone: the worker's version follows the files, and old caches are deleted."""
import re

import pytest

from tests.browser.conftest import courier_round, open_courier_app, wait_until

pytestmark = pytest.mark.browser


def test_the_worker_version_follows_the_files_and_old_caches_go(phone, db, office, users):
    courier_round(db, office, users, [("Trần Thị Bích Ngọc", {})])
    worker = phone.request.get("/service_worker.js")
    assert worker.headers["cache-control"] == "no-cache"
    version = re.search(r'const VERSION = "(v\d+-[0-9a-f]{12})";', worker.text()).group(1)
    assert phone.request.get("/service_worker.js").text() == worker.text()  # stable between deploys
    # Last version's cache, left on the phone, and a cache that is not ours.
    phone.goto("/static/icons/icon-192.png")
    phone.evaluate("Promise.all([caches.open('courier-static-v1'), caches.open('elsewhere')])")

    open_courier_app(phone, users["courier"].username)
    wait_until(phone, f"""async () => {{
        const names = await caches.keys();
        return names.includes('courier-static-{version}') && !names.includes('courier-static-v1');
    }}""")
    assert set(phone.evaluate("caches.keys()")) == {f"courier-static-{version}", "courier-pages", "elsewhere"}
