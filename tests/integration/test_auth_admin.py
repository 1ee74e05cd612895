"""Accounts: the admin's page and the commands set a chosen password or lock, and end sessions."""
from courier.models import User
from tests import factories
from tests.conftest import AuthActions, csrf_token_from

STRONG = "ca phe sua da ngon"


def _admin_page(client):
    html = client.get("/admin/users").get_data(as_text=True)
    return html, csrf_token_from(html)


def test_the_admin_sees_their_office_s_accounts_only(db, users, auth, client):
    elsewhere = factories.user(factories.post_office(), "courier", username="khac-buu-cuc")
    db.session.commit()
    auth.login(users["admin"].username)
    html, _ = _admin_page(client)
    assert users["courier"].username in html and "Đặt mật khẩu mới" in html and "Khóa tài khoản" in html
    assert elsewhere.username not in html
    token = csrf_token_from(html)
    assert client.post(f"/admin/users/{elsewhere.id}/lock", data={"csrf_token": token}).status_code == 404


def test_a_new_password_must_be_strong_and_ends_the_user_s_sessions(app, db, users, auth, client):
    courier = app.test_client()
    AuthActions(courier).login(users["courier"].username)
    assert courier.get("/courier/").status_code == 200
    auth.login(users["admin"].username)
    _, token = _admin_page(client)
    url = f"/admin/users/{users['courier'].id}/password"
    for weak, reason in (("password", "quá ngắn"), ("12345678", "quá ngắn"), (" " * 8, "dấu cách"),
                         ("vnpost12345", "tên bưu điện"), ("1234567890", "dễ đoán")):
        html = client.post(url, data={"csrf_token": token, "password": weak, "confirm": weak},
                           follow_redirects=True).get_data(as_text=True)
        assert "Chưa đổi mật khẩu" in html and reason in html, weak
    assert courier.get("/courier/").status_code == 200
    html = client.post(url, data={"csrf_token": token, "password": STRONG, "confirm": STRONG},
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã đặt mật khẩu mới" in html
    db.session.expire_all()
    assert db.session.get(User, users["courier"].id).check_password(STRONG)
    assert courier.get("/courier/").status_code == 302


def test_lock_and_unlock(app, db, users, auth, client):
    courier = app.test_client()
    AuthActions(courier).login(users["courier"].username)
    auth.login(users["admin"].username)
    _, token = _admin_page(client)
    client.post(f"/admin/users/{users['courier'].id}/lock", data={"csrf_token": token})
    assert courier.get("/courier/").status_code == 302
    assert "Mở khóa" in _admin_page(client)[0]
    client.post(f"/admin/users/{users['courier'].id}/unlock", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, users["courier"].id).active
    assert courier.get("/courier/").status_code == 302  # the old session stays ended
    assert AuthActions(courier).login(users["courier"].username).status_code == 302


def test_an_admin_cannot_lock_themselves_out(db, users, auth, client):
    auth.login(users["admin"].username)
    _, token = _admin_page(client)
    client.post(f"/admin/users/{users['admin'].id}/lock", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, users["admin"].id).active


def test_the_commands_set_a_password_and_lock_an_account(app, db, users, auth, client):
    runner = app.test_cli_runner()
    auth.login(users["courier"].username)
    weak = runner.invoke(args=["set-password", users["courier"].username], input="password\npassword\n")
    assert weak.exit_code != 0 and "quá ngắn" in weak.output and "password" not in weak.output.split(":")[-1]
    done = runner.invoke(args=["set-password", users["courier"].username.upper()], input=f"{STRONG}\n{STRONG}\n")
    assert done.exit_code == 0, done.output
    assert STRONG not in done.output  # never echoed
    assert client.get("/courier/").status_code == 302
    auth.login(users["courier"].username, STRONG)
    locked = runner.invoke(args=["deactivate-user", users["courier"].username])
    assert locked.exit_code == 0 and "Đã khóa" in locked.output
    assert client.get("/courier/").status_code == 302
    assert runner.invoke(args=["deactivate-user", "nobody"]).exit_code != 0
