"""Accent-free name search through the stored folded name, and migration 0007 that adds and fills it."""
import unicodedata

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from courier.domain.folding import fold
from courier.models import Dossier
from courier.services import privacy, search
from tests import factories
from tests.databases import statements_sent
from tests.integration.dispatch_support import listed
from tests.integration.migration_support import old_dossiers



@pytest.fixture
def named(db, office, users, auth):
    made = {
        "an": factories.shipment(office, applicant_name="Nguyễn Văn An", applicant_phone="0905111222"),
        "duc": factories.shipment(office, applicant_name="Đặng Văn Đức", applicant_phone="0905333444"),
        "binh": factories.shipment(office, applicant_name="Trần Thị Bình", applicant_phone="0905555666"),
    }
    db.session.commit()
    auth.login(users["dispatcher"].username)
    return {key: str(s.public_id) for key, s in made.items()}


def found(client, q):
    return sorted(listed(client, q))


@pytest.mark.parametrize("q,who", [
    ("nguyen van an", ["an"]), ("NGUYỄN", ["an"]), ("Nguyen Van An", ["an"]), ("  văn an ", ["an"]),
    ("dang van duc", ["duc"]), ("Đức", ["duc"]), ("đức", ["duc"]), ("ĐẶNG VĂN ĐỨC", ["duc"]), ("duc", ["duc"]),
    ("van", ["an", "duc"]), ("thi binh", ["binh"]), ("nguyen van anh", []),
])
def test_a_name_is_found_however_it_is_typed(client, named, q, who):
    assert found(client, q) == sorted(named[w] for w in who)


def test_a_name_typed_in_decomposed_unicode_is_found(client, named):
    # Some keyboards and Excel files send NFD: "e" + combining marks instead of "ễ".
    assert found(client, unicodedata.normalize("NFD", "Nguyễn Văn An")) == [named["an"]]


def test_the_folded_name_follows_the_name_on_insert_and_on_every_change(db, office, named):
    dossier = db.session.execute(db.select(Dossier).filter_by(applicant_name="Đặng Văn Đức")).scalar_one()
    assert dossier.applicant_name_folded == "dang van duc"
    dossier.applicant_name = unicodedata.normalize("NFD", "Lê Thị Ánh")
    db.session.commit()
    stored = db.session.execute(text("SELECT applicant_name_folded FROM dossier WHERE id = :id"),
                                {"id": dossier.id}).scalar()
    assert stored == "le thi anh"


def test_an_erased_name_is_no_longer_found(db, app, client, named):
    from courier.domain.storage import MediaStore

    dossier = db.session.execute(db.select(Dossier).filter_by(applicant_name="Nguyễn Văn An")).scalar_one()
    privacy.erase_citizen(dossier, MediaStore(app.config["MEDIA_DIR"]), actor_label="test")
    db.session.commit()
    assert found(client, "nguyen van an") == []
    assert dossier.applicant_name_folded == fold(privacy.ERASED)


def test_name_search_reads_the_indexed_column_not_a_function_of_the_name(db, office, named):
    with statements_sent(db.engine) as sent:
        page = search.search(office.id, search.Filters(q="nguyen van an"))
    assert [s.dossier.applicant_name for s in page.shipments] == ["Nguyễn Văn An"]
    sql = " ".join(statement for statement, _ in sent)
    assert "applicant_name_folded LIKE" in sql and "courier_fold" not in sql and "translate(" not in sql


def test_the_folded_name_is_indexed_for_infix_search_on_postgresql(db):
    from sqlalchemy import inspect

    indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("dossier")}
    assert indexes["ix_dossier_applicant_name_folded"]["column_names"] == ["applicant_name_folded"]
    if db.engine.dialect.name == "postgresql":
        definition = db.session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_dossier_applicant_name_folded'")).scalar()
        assert "USING gin" in definition and "gin_trgm_ops" in definition


def test_migration_0007_fills_the_folded_name_of_existing_dossiers(migration_app):
    from courier.extensions import db

    app = migration_app
    names = ["Nguyễn Văn An", "ĐẶNG THỊ ĐÀO", unicodedata.normalize("NFD", "Lê Thị Ánh"), "Ông Thị Uyên"]
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as connection:
            old_dossiers(connection, [{"applicant_name": name} for name in names])
        upgrade(revision="0007")
        with db.engine.connect() as connection:
            folded = connection.execute(text("SELECT applicant_name_folded FROM dossier ORDER BY id")).scalars().all()
        db.engine.dispose()
    assert folded == ["nguyen van an", "dang thi dao", "le thi anh", "ong thi uyen"]
