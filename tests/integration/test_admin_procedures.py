"""The administrator's catalogue of procedures: list, add and edit with documents, deactivate, office-scoped."""
import html as html_lib

import pytest

from courier.models import Procedure
from tests import factories
from tests.integration.dispatch_support import post


@pytest.fixture
def agency(db, users):
    found = factories.agency()
    found.post_office = users["admin"].post_office
    db.session.commit()
    return found


@pytest.fixture
def admin(auth, users, agency):
    auth.login(users["admin"].username)
    return users["admin"]


def form(agency, **changes) -> dict:
    data = {"agency": str(agency.id), "code": "1.001193", "name": "Đăng ký khai sinh", "fee_agency": "0",
            "processing_days": "1", "save": "1",
            "documents-0-name": "Tờ khai đăng ký khai sinh", "documents-0-copies": "1",
            "documents-0-original": "y", "documents-0-required": "y",
            "documents-1-name": "Giấy chứng sinh", "documents-1-copies": "1", "documents-1-original": "y",
            "documents-1-required": "y",
            "documents-2-name": "", "documents-2-copies": "1"}
    data.update(changes)
    return data


def procedures(db) -> list[Procedure]:
    db.session.expire_all()
    return db.session.execute(db.select(Procedure).order_by(Procedure.code)).scalars().all()


def test_an_admin_adds_a_procedure_with_its_documents_and_sees_it_listed(db, client, admin, agency):
    assert "Thủ tục" in client.get("/admin/users").get_data(as_text=True)  # in the console's navigation
    response = post(client, "/admin/procedures/new", form(agency, fee_agency="1.250.000", processing_days="5"))
    assert response.status_code == 302
    [saved] = procedures(db)
    assert (saved.code, saved.fee_agency, saved.processing_days, saved.active) == ("1.001193", 1_250_000, 5, True)
    assert [(d.position, d.name, d.original, d.required) for d in saved.documents] == [
        (0, "Tờ khai đăng ký khai sinh", True, True), (1, "Giấy chứng sinh", True, True)]
    page = client.get("/admin/procedures").get_data(as_text=True)
    assert "1.001193" in page and "Đăng ký khai sinh" in page and "1.250.000 ₫" in page
    assert "5 ngày" in page and "2 giấy tờ" in page and "Đang nhận" in page


def test_editing_replaces_the_documents_and_a_spare_row_can_be_added(db, client, admin, agency):
    post(client, "/admin/procedures/new", form(agency))
    [saved] = procedures(db)
    page = client.get(f"/admin/procedures/{saved.id}").get_data(as_text=True)
    assert "Giấy chứng sinh</textarea>" in page
    more = post(client, f"/admin/procedures/{saved.id}", {**form(agency, save=""), "add_row": "1"})
    assert more.status_code == 200 and 'name="documents-3-name"' in more.get_data(as_text=True)
    assert procedures(db)[0].documents[1].name == "Giấy chứng sinh"  # adding a row saves nothing
    post(client, f"/admin/procedures/{saved.id}", form(
        agency, **{"documents-0-name": "Tờ khai (mẫu mới)", "documents-1-name": "", "documents-0-copies": "2",
                   "documents-0-original": ""}))
    [edited] = procedures(db)
    assert [(d.name, d.copies, d.original) for d in edited.documents] == [("Tờ khai (mẫu mới)", 2, False)]


@pytest.mark.parametrize("changes,message,kept", [
    ({"code": "1001193"}, "Mã thủ tục không đúng dạng", 'value="1001193"'),
    ({"name": ""}, "Bắt buộc phải có.", "Tờ khai đăng ký khai sinh</textarea>"),
    ({"fee_agency": "hai trăm"}, "Phí, lệ phí phải là số đồng", 'value="hai trăm"'),
    ({"processing_days": "400"}, "Thời hạn giải quyết phải là số ngày từ 0 đến 365", 'value="400"'),
    ({"documents-1-copies": "30"}, "Số bản phải từ 1 đến 20", 'value="30"'),
    ({"documents-0-name": "", "documents-1-name": ""}, "Cần ít nhất một thành phần hồ sơ", 'value="1.001193"'),
    ({"name": "x" * 301}, "Quá dài: tối đa 300 ký tự", "x" * 301 + "</textarea>"),
])
def test_a_bad_value_is_named_in_vietnamese_and_everything_typed_is_kept(db, client, admin, agency,
                                                                        changes, message, kept):
    response = post(client, "/admin/procedures/new", form(agency, **changes))
    page = html_lib.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page and kept in page and "Chưa lưu: hãy sửa các ô báo lỗi bên dưới." in page
    assert "Giấy chứng sinh</textarea>" in page or "documents-1-name" in changes
    assert procedures(db) == []


def test_a_code_the_agency_already_has_is_refused(db, client, admin, agency):
    post(client, "/admin/procedures/new", form(agency))
    again = post(client, "/admin/procedures/new", form(agency, name="Đăng ký khai sinh (bản khác)"))
    assert again.status_code == 400 and "đã có thủ tục mang mã này" in again.get_data(as_text=True)
    assert [p.name for p in procedures(db)] == ["Đăng ký khai sinh"]


def test_deactivating_keeps_the_procedure_off_the_catalogue_but_on_record(db, client, admin, agency):
    post(client, "/admin/procedures/new", form(agency))
    [saved] = procedures(db)
    post(client, f"/admin/procedures/{saved.id}/deactivate")
    [kept] = procedures(db)
    assert kept.active is False and len(kept.documents) == 2
    assert "Nhận lại" in client.get("/admin/procedures").get_data(as_text=True)
    post(client, f"/admin/procedures/{saved.id}/activate")
    assert procedures(db)[0].active is True


def test_another_office_s_procedures_are_not_the_admin_s(db, client, admin, agency):
    elsewhere = factories.agency("000.00.99.H01")
    elsewhere.post_office = factories.post_office()
    theirs = Procedure(agency=elsewhere, code="2.000908", name="Chứng thực bản sao", processing_days=1)
    db.session.add(theirs)
    db.session.commit()
    assert "2.000908" not in client.get("/admin/procedures").get_data(as_text=True)
    assert client.get(f"/admin/procedures/{theirs.id}").status_code == 404
    assert post(client, f"/admin/procedures/{theirs.id}/deactivate").status_code == 404
    # Nor can a new procedure be put on their agency by sending its id.
    response = post(client, "/admin/procedures/new", form(elsewhere))
    assert response.status_code == 400 and "Hãy chọn cơ quan." in response.get_data(as_text=True)
    assert [p.code for p in procedures(db)] == ["2.000908"]


def test_dispatchers_and_couriers_may_not_open_the_catalogue(client, auth, users, agency):
    for role in ("dispatcher", "courier"):
        auth.login(users[role].username)
        assert client.get("/admin/procedures").status_code == 403
        auth.logout()


def test_rows_stop_being_added_at_the_documents_limit(db, client, admin, agency):
    rows = {f"documents-{i}-name": f"Giấy tờ {i}" for i in range(45)}
    response = post(client, "/admin/procedures/new", {**form(agency, save=""), **rows, "add_row": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "documents-39-name" in page and "documents-40-name" not in page


def test_an_edit_keeps_the_ids_of_the_documents_it_does_not_rename(db, office):
    """A courier's phone ticks documents by id; an edit made while it was offline must not renumber them."""
    from courier.domain.procedures import CleanDocument, CleanProcedure
    from courier.services import procedures as catalogue

    procedure = factories.procedure(office)
    form, copy = procedure.documents
    ids = {document.name: document.id for document in procedure.documents}
    catalogue.save(procedure.agency, CleanProcedure(
        code=procedure.code, name=procedure.name, fee_agency=100_000, processing_days=5,
        documents=[CleanDocument(name=copy.name, copies=2, original=False, required=True),
                   CleanDocument(name="Ảnh 4x6", copies=2, original=True, required=True),
                   CleanDocument(name=form.name, copies=1, original=True, required=True)]), procedure)
    db.session.commit()
    after = {document.name: (document.id, document.position, document.copies) for document in procedure.documents}
    assert after[copy.name] == (ids[copy.name], 0, 2) and after[form.name] == (ids[form.name], 2, 1)
    assert after["Ảnh 4x6"][0] not in ids.values()
