"""A dispatcher revokes one leaked citizen link; the shipment's other links keep working."""
import pytest

from courier.domain.tokens import new_token
from courier.models import Event, LinkSource
from tests import factories
from tests.integration.dispatch_support import flashes, post


@pytest.fixture
def two_links(db, office):
    """A shipment whose citizen holds the agency's slip link and the post office's label link."""
    shipment = factories.shipment(office)
    tokens = {}
    for source in (LinkSource.AGENCY, LinkSource.LABEL):
        tokens[source], hashed = new_token()
        shipment.add_citizen_link(hashed, source)
    db.session.commit()
    return shipment, tokens


def link_id(shipment, source):
    return next(link.id for link in shipment.citizen_links if link.source == source)


def test_revoking_the_label_link_leaves_the_agencys_slip_working(client, db, users, auth, two_links):
    shipment, tokens = two_links
    auth.login(users["dispatcher"].username)
    page = client.get(f"/dispatch/shipments/{shipment.public_id}").get_data(as_text=True)
    assert "Phiếu hẹn của cơ quan" in page and "Nhãn QR của bưu cục" in page and page.count("Đang dùng") == 2

    url = f"/dispatch/shipments/{shipment.public_id}/links/{link_id(shipment, LinkSource.LABEL)}/revoke"
    done = post(client, url, {"reason": "Ảnh nhãn bị đăng lên nhóm Zalo"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "Đã thu hồi đường dẫn." in " ".join(flashes(page))
    assert page.count("Đang dùng") == 1 and "Đã thu hồi lúc" in page
    assert "Thu hồi một đường dẫn của người dân" in page and "Ảnh nhãn bị đăng lên nhóm Zalo" in page

    assert client.get(f"/t/{tokens[LinkSource.LABEL]}").status_code == 404
    assert client.get(f"/t/{tokens[LinkSource.AGENCY]}").status_code == 200
    events = db.session.execute(db.select(Event).filter_by(action="citizen_link_revoked")).scalars().all()
    assert [(e.actor_id, e.details["link"]) for e in events] == [(users["dispatcher"].id, "label")]


def test_a_revocation_needs_a_reason_and_changes_nothing_without_one(client, db, users, auth, two_links):
    shipment, tokens = two_links
    auth.login(users["dispatcher"].username)
    url = f"/dispatch/shipments/{shipment.public_id}/links/{link_id(shipment, LinkSource.AGENCY)}/revoke"
    page = post(client, url, {"reason": "  "}, follow_redirects=True).get_data(as_text=True)
    assert "Hãy ghi lý do." in " ".join(flashes(page))
    assert client.get(f"/t/{tokens[LinkSource.AGENCY]}").status_code == 200


def test_another_offices_dispatcher_cannot_revoke_or_see_the_links(client, db, users, auth, two_links):
    shipment, tokens = two_links
    elsewhere = factories.user(factories.post_office(), "dispatcher")
    db.session.commit()
    auth.login(elsewhere.username)
    url = f"/dispatch/shipments/{shipment.public_id}/links/{link_id(shipment, LinkSource.LABEL)}/revoke"
    assert post(client, url, {"reason": "thử"}).status_code == 404
    assert client.get(f"/t/{tokens[LinkSource.LABEL]}").status_code == 200


def test_a_link_of_another_shipment_is_not_found(client, db, office, users, auth, two_links):
    shipment, _tokens = two_links
    other = factories.shipment(office)
    other.add_citizen_link(new_token()[1], LinkSource.LABEL)
    db.session.commit()
    auth.login(users["dispatcher"].username)
    url = f"/dispatch/shipments/{shipment.public_id}/links/{other.citizen_links[0].id}/revoke"
    assert post(client, url, {"reason": "thử"}).status_code == 404
    assert other.citizen_links[0].revoked_at is None
