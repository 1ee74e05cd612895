"""Reports for a date range: counts by agency, courier and commune, exports, and cash reconciliation."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.domain.states import Action
from courier.models import CashHandIn
from tests import factories
from tests.attempts import delivered, post as send_attempt
from tests.conftest import AuthActions, csrf_token_from
from tests.integration.dispatch_support import elsewhere, flashes, on_round, post, received

LAND_OFFICE = "Văn phòng Đăng ký đất đai thử"


def phone_of(app, courier):
    phone = app.test_client()
    AuthActions(phone).login(courier.username)
    phone.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token_from(phone.get("/courier/").get_data(as_text=True))
    return phone


@pytest.fixture
def period(app, db, office, users, auth):
    """Today: Lan delivers two results (one late, paid by transfer) and fails one visit;
    Bảo delivers one in cash; one result goes back to the land office."""
    dispatcher, lan = users["dispatcher"], users["courier"]
    lan.full_name = "Lê Thị Lan"
    bao = factories.user(office, "courier")
    bao.full_name = "Phạm Quốc Bảo"
    land = factories.agency("000.00.22.H47")
    land.name = LAND_OFFICE
    today = local_today()
    late = received(office, dispatcher, due_date=today - timedelta(days=2))
    on_time = received(office, dispatcher, due_date=today)
    absent = received(office, dispatcher)
    for_bao = received(office, dispatcher, agency=land, fee_agency=0, fee_postage=30_000)
    recalled = received(office, dispatcher, agency=land)
    on_round(office, lan, dispatcher, [late, on_time, absent])
    on_round(office, bao, dispatcher, [for_bao])
    for shipment, courier in ((late, lan), (on_time, lan), (absent, lan), (for_bao, bao)):
        custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=courier)
    custody.apply(recalled, Action.START_RETURN, max_attempts=3, actor=dispatcher)
    custody.apply(recalled, Action.COMPLETE_RETURN, max_attempts=3, actor=dispatcher)
    db.session.commit()
    lan_phone, bao_phone = phone_of(app, lan), phone_of(app, bao)
    transfer = {"agency": 200_000, "postage": 25_000, "method": "transfer"}
    assert send_attempt(lan_phone, delivered(late)).status_code == 201
    assert send_attempt(lan_phone, delivered(on_time, fees=transfer)).status_code == 201
    assert send_attempt(lan_phone, delivered(absent, outcome="failed", failure_reason="absent",
                                             recipient=None, fees=None)).status_code == 201
    cash = {"agency": 0, "postage": 30_000, "method": "cash"}
    assert send_attempt(bao_phone, delivered(for_bao, fees=cash)).status_code == 201
    auth.login(dispatcher.username)
    return {"lan": lan, "bao": bao, "today": today}


def row(html: str, table_id: str, name: str) -> list[str]:
    """The cells of one named row of a figures table, as text."""
    import re
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    for found in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found, re.S)]
        if cells and cells[0] == name:
            return cells[1:]
    raise AssertionError(f"no row {name!r} in {table_id}")


def test_the_page_counts_delivered_on_time_late_failed_and_returned(client, period):
    html = client.get("/dispatch/reports").get_data(as_text=True)
    # received, delivered, on time, late, rate, failed, returned, agency fees, postage
    assert row(html, "by-agency", "Trung tâm Phục vụ hành chính công thử") == [
        "3", "2", "1", "1", "50,0%", "1", "0", "400.000 ₫", "50.000 ₫"]
    assert row(html, "by-agency", LAND_OFFICE) == ["2", "1", "1", "0", "100,0%", "0", "1", "0 ₫", "30.000 ₫"]
    assert row(html, "by-courier", "Lê Thị Lan") == ["2", "1", "1", "50,0%", "1", "400.000 ₫", "50.000 ₫"]
    assert row(html, "by-courier", "Phạm Quốc Bảo")[:2] == ["1", "1"]


def test_fees_are_split_by_kind_and_by_how_they_were_paid(client, period):
    html = client.get("/dispatch/reports").get_data(as_text=True)
    fees = html.split('id="fees-title"', 1)[1]
    assert "Phí, lệ phí thu hộ cơ quan" in fees
    # Lan: 200.000 + 25.000 cash (late one), 225.000 by transfer; Bảo: 30.000 cash.
    total = fees.split('class="total"', 1)[1].split("</tr>", 1)[0]
    assert "255.000 ₫" in total and "225.000 ₫" in total and "480.000 ₫" in total


def test_cash_handed_in_is_reconciled_against_cash_collected(db, client, period):
    lan = period["lan"]
    response = post(client, "/dispatch/reports/cash", {
        "courier": lan.id, "handed_on": period["today"].isoformat(), "amount": "200.000"}, follow_redirects=True)
    assert "Đã ghi Lê Thị Lan nộp 200.000 ₫" in " ".join(flashes(response.get_data(as_text=True)))
    html = client.get("/dispatch/reports").get_data(as_text=True)
    assert row(html, "cash-table", "Lê Thị Lan") == ["225.000 ₫", "200.000 ₫", "còn thiếu 25.000 ₫"]
    assert row(html, "cash-table", "Phạm Quốc Bảo") == ["30.000 ₫", "0 ₫", "còn thiếu 30.000 ₫"]
    post(client, "/dispatch/reports/cash", {"courier": lan.id, "handed_on": period["today"].isoformat(),
                                           "amount": "25000"})
    html = client.get("/dispatch/reports").get_data(as_text=True)
    assert row(html, "cash-table", "Lê Thị Lan")[2] == "khớp"


def test_a_correction_needs_a_note_and_a_bad_amount_saves_nothing(db, client, period):
    lan = period["lan"]
    for amount, message in (("-50.000", "Số âm là điều chỉnh"), ("năm mươi", "Số tiền phải là số đồng"),
                            ("0", "Số tiền phải khác 0")):
        response = post(client, "/dispatch/reports/cash", {
            "courier": lan.id, "handed_on": period["today"].isoformat(), "amount": amount}, follow_redirects=True)
        assert any(message in text for text in flashes(response.get_data(as_text=True))), amount
    assert db.session.execute(db.select(CashHandIn)).first() is None
    post(client, "/dispatch/reports/cash", {"courier": lan.id, "handed_on": period["today"].isoformat(),
                                           "amount": "-50.000", "note": "Ghi nhầm lần trước"})
    assert db.session.execute(db.select(CashHandIn.amount)).scalar_one() == -50_000


def test_cash_cannot_be_recorded_for_another_offices_courier_or_a_future_day(db, client, period):
    other = elsewhere(db)
    post(client, "/dispatch/reports/cash", {"courier": other["courier"].id,
                                           "handed_on": period["today"].isoformat(), "amount": "10000"})
    response = post(client, "/dispatch/reports/cash", {
        "courier": period["lan"].id, "handed_on": (period["today"] + timedelta(days=1)).isoformat(),
        "amount": "10000"}, follow_redirects=True)
    assert "Không ghi nộp tiền cho ngày chưa tới." in flashes(response.get_data(as_text=True))
    assert db.session.execute(db.select(CashHandIn)).first() is None


def test_the_excel_file_has_the_provinces_shape_and_the_same_figures(client, period):
    response = client.get("/dispatch/reports/export.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Theo cơ quan", "Theo bưu tá", "Theo phường xã", "Theo ngày", "Đối soát tiền",
                               "Điểm kiểm tra"]
    rows = [list(r) for r in book["Theo cơ quan"].iter_rows(values_only=True)]
    assert rows[0][0].startswith("BÁO CÁO TRẢ KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
    header = rows[4]
    assert header[:5] == ["STT", "Cơ quan giải quyết", "Tiếp nhận từ cơ quan", "Đã trả kết quả", "Đúng hạn"]
    land = next(r for r in rows if r[1] == LAND_OFFICE)
    assert land[2:9] == [2, 1, 1, 0, 100.0, 0, 1]
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[2:5] == [5, 3, 2]
    days = [list(r) for r in book["Theo ngày"].iter_rows(values_only=True)]
    assert days[-1][3] == 3  # every hand-over fell on one of the period's days


def test_the_csv_by_courier_opens_in_excel_with_vietnamese_intact(client, period):
    response = client.get("/dispatch/reports/export.csv?by=courier")
    assert response.data.startswith("\ufeff".encode())  # the byte-order mark Excel needs for UTF-8
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][:3] == ["STT", "Bưu tá", "Đã trả kết quả"]
    lan = next(line for line in lines if line[1] == "Lê Thị Lan")
    assert lan[2:6] == ["2", "1", "1", "50.0"]
    assert client.get("/dispatch/reports/export.csv?by=everything").status_code == 404


def test_a_period_without_the_work_shows_nothing_and_other_offices_never_count(db, client, period):
    last_year = period["today"].replace(year=period["today"].year - 1)
    html = client.get(f"/dispatch/reports?start={last_year.replace(day=1)}&end={last_year}").get_data(as_text=True)
    assert "Chưa có lượt phát, tiếp nhận hay chuyển hoàn nào trong khoảng này." in html
    other = elsewhere(db)
    auth = AuthActions(client)
    auth.logout()
    auth.login(other["dispatcher"].username)
    html = client.get("/dispatch/reports").get_data(as_text=True)
    assert "Lê Thị Lan" not in html and LAND_OFFICE not in html


def test_a_backwards_or_too_long_range_is_explained_and_this_month_shown(client, period):
    today = period["today"]
    html = client.get(f"/dispatch/reports?start={today}&end={today - timedelta(days=3)}").get_data(as_text=True)
    assert "Ngày cuối phải sau ngày đầu." in html
    assert row(html, "by-courier", "Lê Thị Lan")[0] == "2"
    html = client.get(f"/dispatch/reports?start={today.replace(year=today.year - 2)}&end={today}").get_data(as_text=True)
    assert "Mỗi báo cáo tối đa một năm (366 ngày)." in html


def test_a_visit_is_counted_on_the_vietnamese_day_it_happened(app, db, client, office, users, auth):
    # 18:00 UTC on the 1st is 01:00 on the 2nd in Vietnam.
    shipment = received(office, users["dispatcher"])
    on_round(office, users["courier"], users["dispatcher"], [shipment])
    custody.apply(shipment, Action.DISPATCH, max_attempts=3, courier=users["courier"])
    db.session.commit()
    phone = phone_of(app, users["courier"])
    today = local_today()
    night = datetime.combine(today - timedelta(days=1), datetime.min.time(), timezone.utc).replace(hour=18)
    assert send_attempt(phone, delivered(shipment, captured_at=night.isoformat())).status_code == 201
    auth.login(users["dispatcher"].username)
    on_the_day = client.get(f"/dispatch/reports?start={today}&end={today}").get_data(as_text=True)
    day_before = client.get(f"/dispatch/reports?start={today - timedelta(days=1)}&end={today - timedelta(days=1)}")
    assert row(on_the_day, "by-courier", users["courier"].full_name)[0] == "1"
    assert "Chưa có lượt phát" in day_before.get_data(as_text=True)


def test_a_courier_who_left_can_still_hand_in_cash_but_is_not_planned(db, client, period):
    bao = period["bao"]
    bao.active = False  # Bảo left the post office after his last day
    db.session.commit()
    assert "Phạm Quốc Bảo" in client.get("/dispatch/reports").get_data(as_text=True)
    post(client, "/dispatch/reports/cash", {"courier": bao.id, "handed_on": period["today"].isoformat(),
                                           "amount": "30.000"})
    html = client.get("/dispatch/reports").get_data(as_text=True)
    assert row(html, "cash-table", "Phạm Quốc Bảo")[2] == "khớp"
    rounds = client.get("/dispatch/rounds").get_data(as_text=True)
    assert f'<option value="{bao.id}">' not in rounds and f'<option value="{period["lan"].id}"' in rounds
