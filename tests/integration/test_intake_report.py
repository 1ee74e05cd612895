"""The dispatcher's report counts the dossiers taken in for agencies, and how many reached the desk."""
import re

from courier.domain.acknowledgement import Acknowledgement
from courier.domain.formatting import local_today
from courier.services import agency_desk, reports
from courier.media import media_store
from tests import factories
from tests.integration.pickup_support import in_transit, picked_up


def row(page: str, table: str, name: str) -> list[str]:
    """The figures of the row `name` in the table with id `table`."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    line = next(tr for tr in body.split("<tr>") if name in tr)
    return re.findall(r'<td class="num">(\d+)</td>', line)


def test_the_report_counts_dossiers_taken_in_and_acknowledged(db, client, auth, office, users):
    acknowledged = in_transit(db, office, users["courier"], users["dispatcher"])
    agency_desk.acknowledge(acknowledged, Acknowledgement("000.00.17.H47-261203-0042", local_today()), max_attempts=3,
                            store=media_store())
    picked_up(db, office, users["courier"])
    db.session.commit()
    auth.login(users["dispatcher"].username)
    page = client.get("/dispatch/reports").get_data(as_text=True)
    assert "Hồ sơ tiếp nhận cho cơ quan" in page and "2 hồ sơ đã nhận trong kỳ" in page
    # taken in, acknowledged, waiting, on time, late
    assert row(page, "intake-by-procedure", "1.001193") == ["2", "1", "1", "1", "0"]
    assert row(page, "intake-by-channel", "Người dân đăng ký trên mạng") == ["2", "1", "1", "1", "0"]


def test_a_period_with_nothing_taken_in_says_so(client, auth, users):
    auth.login(users["dispatcher"].username)
    assert "Không có hồ sơ nào được nhận trong kỳ này." in client.get("/dispatch/reports").get_data(as_text=True)


def test_fees_taken_at_the_door_are_reconciled_and_not_counted_as_failed_visits(db, client, auth, office, users,
                                                                                courier_client):
    from tests.attempts import post
    from tests.door import picked_up as at_the_door
    from tests.integration.dispatch_support import on_round

    shipment = factories.pickup_request(office).shipment
    on_round(office, users["courier"], users["dispatcher"], [shipment])
    db.session.commit()
    assert post(courier_client, at_the_door(shipment)).status_code == 201
    auth.login(users["dispatcher"].username)
    report = reports.office_report(office.id, local_today(), local_today())
    assert (report.total.delivered, report.total.failed_visits) == (0, 0)
    assert report.fees.fee("agency", "cash") == 200_000
    [(courier, line)] = report.cash
    assert (courier.id, line.collected) == (users["courier"].id, 200_000)
    page = client.get("/dispatch/reports").get_data(as_text=True)
    assert "200.000" in page.split('id="fees-title"', 1)[1]
