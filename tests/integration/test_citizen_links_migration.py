"""Migration 0015: each shipment's one link hash becomes a live citizen link, its source guessed honestly."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.integration.migration_support import old_dossiers


def test_migration_0015_keeps_every_printed_and_pushed_link_working(migration_app):
    from courier.extensions import db

    with migration_app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO post_office (id, code, name, ward_code, province_code) "
                                    "VALUES (1, 'BC-1', 'Bưu cục', 20341, 48)"))
            old_dossiers(connection, [{"applicant_name": "An", "applicant_name_folded": "an"} for _ in range(3)])
            # 1: a label was printed; 2: only the agency's link; 3: no link yet.
            for n, hashed in ((1, "a" * 64), (2, "b" * 64), (3, None)):
                connection.execute(text(
                    "INSERT INTO shipment (id, public_id, dossier_id, direction, state, attempts_count,"
                    " post_office_id, citizen_token_hash, created_at, updated_at) VALUES (:id, :uuid, :id,"
                    " 'deliver_result', 'received', 0, 1, :hash, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
                    {"id": n, "uuid": f"00000000-0000-0000-0000-00000000000{n}", "hash": hashed})
            connection.execute(text(
                "INSERT INTO event (shipment_id, actor_label, action, created_at, details)"
                " VALUES (1, 'bao', 'citizen_link_issued', '2026-01-01 00:00:00', '{}')"))
        upgrade(revision="0015")
        with db.engine.connect() as connection:
            links = connection.execute(text(
                "SELECT shipment_id, token_hash, source, revoked_at FROM citizen_link ORDER BY shipment_id")).all()
            if connection.dialect.name == "sqlite":  # the copy of the table ran with keys off, and only it
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        downgrade(revision="0014")
        with db.engine.connect() as connection:
            restored = dict(connection.execute(text("SELECT id, citizen_token_hash FROM shipment")).all())
        db.engine.dispose()
    assert [tuple(row) for row in links] == [(1, "a" * 64, "label", None), (2, "b" * 64, "agency", None)]
    assert restored == {1: "a" * 64, 2: "b" * 64, 3: None}
