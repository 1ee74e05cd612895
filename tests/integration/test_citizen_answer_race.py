"""Ten answers sent at once (two phones, repeated taps): the database keeps exactly one."""
import threading

from sqlalchemy import text

from courier.models import CitizenAnswer
from courier.services import tracking
from tests.conftest import csrf_token_from
from tests.integration.dispatch_support import flashes
from tests.integration.test_citizen_link import deliver, linked, prove


def test_of_ten_answers_sent_at_once_exactly_one_is_kept(app, db, office, users, monkeypatch):
    shipment, token = linked(db, office)
    deliver(app, db, shipment, users["courier"])
    clients = [app.test_client() for _ in range(10)]
    for client in clients:  # ten phones of the citizen's family, each past the phone check
        prove(client, token)
    tokens = [csrf_token_from(client.get(f"/t/{token}").get_data(as_text=True)) for client in clients]
    # Every request reads "not answered yet" before any writes: only the database can choose.
    all_read, once = threading.Barrier(10, timeout=15), tracking._once

    def once_after_all_read(*args):
        try:
            all_read.wait()
        except threading.BrokenBarrierError:
            pass
        return once(*args)
    monkeypatch.setattr(tracking, "_once", once_after_all_read)
    statuses, said = [], []

    def answer(client, csrf, action):
        with app.app_context():
            response = client.post(f"/t/{token}/{action}", data={"csrf_token": csrf, "comment": "x", "rating": "5"},
                                   follow_redirects=True)
            statuses.append(response.status_code)
            said.extend(flashes(response.get_data(as_text=True)))
    threads = [threading.Thread(target=answer, args=(client, csrf, "confirm" if n % 2 else "dispute"))
               for n, (client, csrf) in enumerate(zip(clients, tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()

    assert statuses == [200] * 10
    already = "Bạn đã trả lời cho kết quả này rồi."
    thanks = {"Cảm ơn bạn đã xác nhận đã nhận kết quả.", "Bưu cục đã nhận được báo cáo của bạn và sẽ liên hệ lại sớm."}
    assert said.count(already) == 9 and sum(said.count(message) for message in thanks) == 1
    answers = db.session.execute(text("SELECT action FROM event WHERE action IN "
                                      "('citizen_confirmed', 'citizen_disputed')")).scalars().all()
    assert len(answers) == 1
    [kept] = db.session.execute(db.select(CitizenAnswer)).scalars().all()
    assert kept.action == answers[0] and kept.shipment_id == shipment.id
