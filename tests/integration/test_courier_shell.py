"""The courier's page (the app shell) over the wire: compressed for a phone that accepts it."""
import gzip


def test_the_shell_is_sent_gzipped_to_a_phone_that_accepts_it(courier_client):
    plain = courier_client.get("/courier/")
    packed = courier_client.get("/courier/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.get_data()).decode()
    assert 'id="courier-app"' in page and "Tuyến phát hôm nay" in page
    # A first visit downloads it twice (the page, the worker's offline copy): a quarter of the bytes.
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert packed.headers["Cache-Control"] == "no-store"  # personal data: never in a shared cache


def test_pages_that_echo_what_is_typed_stay_uncompressed(courier_client, auth, users, client):
    auth.logout()
    auth.login(users["dispatcher"].username)
    search = client.get("/dispatch/shipments?q=abc", headers={"Accept-Encoding": "gzip"})
    assert search.status_code == 200
    assert "Content-Encoding" not in search.headers  # BREACH: a guess echoed beside the CSRF token
