"""The search box's trigram indexes (migration 0010) and the searches they answer.

On PostgreSQL, pg_trgm GIN indexes on the dossier's code and phone (its folded
name has had one since 0007); on SQLite, an FTS5 table with the trigram
tokenizer, kept in step with the dossiers by triggers. Each test runs on the
suite's database (DATABASE_URL set → PostgreSQL).
"""
import re

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from courier.services import search as search_service
from tests import factories
from tests.integration.dispatch_support import SHIPMENT_LINK as LINK, listed as found
from tests.integration.migration_support import old_dossiers

# PostgreSQL's GIN index of each column the search box looks in.
GIN = {"code": "ix_dossier_code_trgm", "applicant_phone": "ix_dossier_applicant_phone_trgm",
       "applicant_name_folded": "ix_dossier_applicant_name_folded"}


def indexed(connection, column: str, fragment: str) -> list[int]:
    """The ids of the dossiers the trigram index itself gives for `fragment` in `column`."""
    if connection.dialect.name == "postgresql":
        # Too few rows here for the planner to want an index: forbid reading the table (or the primary
        # key) in full, and check that the index is what answers.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_indexscan = off"))
        query = f"SELECT id FROM dossier WHERE {column} LIKE :pattern"
        plan = " ".join(connection.execute(text("EXPLAIN " + query), {"pattern": f"%{fragment}%"}).scalars())
        assert GIN[column] in plan, plan
        return sorted(connection.execute(text(query), {"pattern": f"%{fragment}%"}).scalars())
    return list(connection.execute(
        text("SELECT rowid FROM dossier_search WHERE dossier_search MATCH :terms ORDER BY rowid"),
        {"terms": f'{column} : "{fragment}"'}).scalars())


def in_index(db, column: str, fragment: str) -> list[int]:
    with db.engine.begin() as connection:
        return indexed(connection, column, fragment)


@pytest.fixture
def two(db, office, users, auth):
    made = {
        "khue": factories.shipment(office, applicant_name="Tôn Nữ Thị Xuân Khuê", applicant_phone="0912345678",
                                   code="000.21.03.H47-261203-0917"),
        "an": factories.shipment(office, applicant_name="Nguyễn Văn An", applicant_phone="0905111222",
                                 code="000.21.03.H47-261203-0042"),
    }
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return made


def test_a_new_dossier_is_in_the_index_and_found_by_fragment_phone_digits_or_name(db, client, two):
    dossier_id, public_id = two["khue"].dossier.id, str(two["khue"].public_id)
    assert in_index(db, "code", "261203-0917") == [dossier_id]
    assert in_index(db, "applicant_phone", "2345678") == [dossier_id]
    assert in_index(db, "applicant_name_folded", "xuan khue") == [dossier_id]
    for q in ("261203-0917", "H47-261203-09", "234.5678", "(091)234", "xuan khue", "XUÂN KHUÊ", "ton nu thi"):
        assert found(client, q) == [public_id], q


def test_a_changed_dossier_is_found_by_what_it_says_now_and_no_longer_by_what_it_said(db, client, two):
    public_id = str(two["khue"].public_id)
    dossier = two["khue"].dossier
    dossier.applicant_name = "Lê Thị Hồng Nhung"
    dossier.applicant_phone = "0977000111"
    dossier.code = "000.21.03.H47-261203-5555"
    db.session.commit()
    for gone in ("xuan khue", "261203-0917", "2345678"):
        assert found(client, gone) == [], gone
    for q in ("hong nhung", "Hồng Nhung", "261203-5555", "7700011"):
        assert found(client, q) == [public_id], q
    assert in_index(db, "applicant_name_folded", "xuan khue") == []
    assert in_index(db, "applicant_name_folded", "hong nhung") == [dossier.id]
    # A change to other columns leaves the index as it was.
    dossier.street = "99 Hùng Vương"
    db.session.commit()
    assert in_index(db, "code", "261203-5555") == [dossier.id]


def test_a_deleted_dossier_leaves_the_index(db, office):
    dossier = factories.dossier(applicant_name="Phan Thị Thu Trang", code="000.21.03.H47-261203-7777")
    db.session.commit()
    dossier_id = dossier.id
    assert in_index(db, "code", "261203-7777") == [dossier_id]
    db.session.delete(dossier)
    db.session.commit()
    assert in_index(db, "code", "261203-7777") == []
    assert in_index(db, "applicant_name_folded", "thu trang") == []


def test_an_erased_name_leaves_the_index(db, app, two):
    from courier.domain.storage import MediaStore
    from courier.services import privacy

    privacy.erase_citizen(two["khue"].dossier, MediaStore(app.config["MEDIA_DIR"]), actor_label="test")
    db.session.commit()
    assert in_index(db, "applicant_name_folded", "xuan khue") == []


@pytest.mark.parametrize("q,who", [
    ("an", ["an", "khue"]), ("42", ["an"]), ("-0", ["an", "khue"]), ("ê", ["an", "khue"]), ("ĐÀ", []),
])
def test_texts_shorter_than_a_trigram_are_still_searched(client, two, q, who):
    assert sorted(found(client, q)) == sorted(str(two[w].public_id) for w in who)


@pytest.mark.parametrize("name,q", [
    ('Nguyễn "Tí" Văn', '"ti"'), ("Công ty 100% vốn", "100% von"), ("Lê_Văn_Tám", "le_van"),
    ("Trần Thị (Bé) Hai", "(be) hai"), ("Hồ Văn Ba*", "van ba*"),
])
def test_quotes_wildcards_and_operators_in_the_search_box_are_taken_literally(db, office, client, two, name, q):
    shipment = factories.shipment(office, applicant_name=name)
    db.session.commit()
    assert found(client, q) == [str(shipment.public_id)]
    for nothing in ('" OR "', "%%%", "___", "x*", "NOT an", "xuan NEAR khue", "an OR khue"):
        assert str(shipment.public_id) not in found(client, nothing), nothing


@pytest.mark.parametrize("walk,candidates", [(20_000, 10_000), (10, 10_000), (10, 0), (0, 10_000), (75, 10_000)])
def test_few_or_many_matches_page_alike_newest_first_in_the_office_only(db, office, users, auth, client,
                                                                          monkeypatch, walk, candidates):
    # SQLite reads the office's WALK newest shipments first, then, for the older ones, the dossiers the
    # FTS5 table names if at most CANDIDATES, else goes on walking: every way gives the same pages.
    monkeypatch.setattr(search_service, "WALK", walk)
    monkeypatch.setattr(search_service, "CANDIDATES", candidates)
    made = [factories.shipment(office, applicant_name=f"Võ Thị Mỹ Duyên {n}", code=f"000.21.05.H47-261204-{n:04d}")
            for n in range(70)]
    factories.shipment(factories.post_office(), applicant_name="Võ Thị Mỹ Duyên", code="000.21.05.H47-261204-9999")
    db.session.commit()
    auth.login(users["dispatcher"].username)
    newest_first = [str(s.public_id) for s in sorted(made, key=lambda s: -s.id)]
    for q in ("vo thi my duyen", "261204-00"):
        first = client.get("/dispatch/shipments", query_string={"q": q}).get_data(as_text=True)
        cursor = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
        second = LINK.findall(client.get(cursor).get_data(as_text=True))
        assert LINK.findall(first) + second == newest_first, q
    assert found(client, "duyen 1", state="registered") == [str(made[n].public_id) for n in range(19, 9, -1)] + [
        str(made[1].public_id)]
    assert found(client, "duyen 1", state="received") == []


def test_the_indexes_are_those_of_the_database(db):
    if db.engine.dialect.name == "postgresql":
        definitions = dict(db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dossier'")).all())
        for name in GIN.values():
            assert "USING gin" in definitions[name] and "gin_trgm_ops" in definitions[name], name
        return
    definition = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'dossier_search'")).scalar()
    assert "fts5" in definition and "trigram" in definition and "content='dossier'" in definition
    triggers = db.session.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossier' ORDER BY name")).scalars()
    assert list(triggers) == ["dossier_search_delete", "dossier_search_insert", "dossier_search_update"]


def test_migration_0010_indexes_the_dossiers_already_there_and_downgrades(migration_app):
    from courier.extensions import db

    app = migration_app
    names = ["Nguyễn Văn An", "ĐẶNG THỊ ĐÀO", "Tôn Nữ Thị Xuân Khuê"]
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            old_dossiers(connection, [
                {"applicant_name": name, "applicant_name_folded": search_service.fold(name),
                 "applicant_phone": f"09051{n:05d}"} for n, name in enumerate(names, start=1)])
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            assert indexed(connection, "applicant_name_folded", "xuan khue") == [3]
            assert indexed(connection, "applicant_name_folded", "dang thi dao") == [2]
            assert indexed(connection, "code", "260101-0001") == [1]
            assert indexed(connection, "applicant_phone", "5100002") == [2]
        downgrade(revision="0009")
        tables = inspect(db.engine).get_table_names()
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("dossier")}
        assert not [t for t in tables if t.startswith("dossier_search")]
        assert not indexes & {"ix_dossier_code_trgm", "ix_dossier_applicant_phone_trgm", "ix_dossier_id_due_date"}
        with db.engine.begin() as connection:   # the dossier table is as it was, triggers gone
            connection.execute(text("UPDATE dossier SET code = 'x' WHERE id = 1"))
            connection.execute(text("DELETE FROM dossier WHERE id = 2"))
        upgrade()
        with db.engine.begin() as connection:
            assert indexed(connection, "code", "260101-0001") == []
            assert indexed(connection, "applicant_name_folded", "xuan khue") == [3]
        db.engine.dispose()
