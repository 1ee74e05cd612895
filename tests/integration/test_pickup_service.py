"""A pickup request becomes a dossier to take in, at the office that serves its commune."""
from courier.domain.states import Direction, State
from courier.domain.tokens import token_hash
from courier.models import Channel, Event, LinkSource
from courier.services import pickups
from tests import factories


def test_a_request_becomes_a_requested_dossier_with_its_own_link(db, office):
    requested = factories.pickup_request(office, note="Gọi trước 15 phút")
    db.session.commit()
    shipment = requested.shipment
    assert shipment.direction is Direction.COLLECT_DOSSIER and shipment.state is State.REQUESTED
    assert shipment.post_office_id == office.id and shipment.holder_courier is None
    dossier = shipment.dossier
    assert dossier.code.startswith("TN") and dossier.procedure_name.startswith("Cấp Phiếu lý lịch")
    assert dossier.fee_agency == 200_000 and dossier.applicant_phone == "0912345678"
    assert shipment.pickup.channel is Channel.WEB and shipment.pickup.citizen_note == "Gọi trước 15 phút"
    assert [link.source for link in shipment.citizen_links] == [LinkSource.REQUEST, LinkSource.RECEIPT]
    assert shipment.citizen_links[0].token_hash == token_hash(requested.token)
    first = db.session.execute(db.select(Event).filter_by(shipment_id=shipment.id)).scalar_one()
    assert (first.to_state, first.actor_label, first.details) == ("requested", "citizen", {"channel": "web"})


def test_an_office_with_its_own_communes_wins_over_one_serving_the_whole_province(db, office):
    neighbour = factories.post_office()
    neighbour.ward_codes = [factories.WARD_TAM_KY]
    served = pickups.served_wards()
    assert served[factories.WARD_TAM_KY] is neighbour
    assert len([code for code, found in served.items() if found is office]) > 50


def test_only_active_procedures_of_a_carried_agency_can_be_booked(db, office):
    carried = factories.procedure(office)
    retired = factories.procedure(office, code="1.000001", name="Thủ tục đã ngừng")
    retired.active = False
    assert pickups.bookable_procedures() == [carried]
    carried.agency.post_office = None
    assert pickups.bookable_procedures() == []


def test_the_receipt_s_link_opens_the_same_page_and_is_shown_again_until_revoked(app, client, db, office):
    from courier.services import citizen_links

    shipment = factories.pickup_request(office).shipment
    db.session.commit()
    link = pickups.receipt_link(shipment)
    assert link == pickups.receipt_link(shipment) and "/t/" in link
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200 and shipment.dossier.code in page.get_data(as_text=True)
    receipt = next(l for l in shipment.citizen_links if l.source is LinkSource.RECEIPT)
    citizen_links.revoke(shipment, receipt.id, "lost", None)
    assert pickups.receipt_link(shipment) is None
