"""Rows written as an older schema held them, for tests that walk the migrations.

Raw SQL, not the models: the models describe the newest schema, not the revision being upgraded from.
"""
from sqlalchemy import text

AGENCY_ID = 1


def old_dossiers(connection, rows: list[dict]) -> None:
    """One agency and a dossier per row, ids 1, 2, …; each row gives the applicant and whatever
    columns its revision has beyond the first schema's (applicant_name_folded since 0007, …)."""
    connection.execute(text("INSERT INTO agency (id, code, name) VALUES (:id, '000.00.17.H47', 'TTHCC')"),
                       {"id": AGENCY_ID})
    for n, row in enumerate(rows, start=1):
        columns = {"id": n, "agency_id": AGENCY_ID, "code": f"000.00.17.H47-260101-{n:04d}",
                   "procedure_name": "Thủ tục", "street": "1 Hùng Vương", "ward_code": 20341, "province_code": 48,
                   "fee_agency": 0, "fee_postage": 0, "created_at": "2026-01-01 00:00:00"} | row
        connection.execute(text(f"INSERT INTO dossier ({', '.join(columns)}) "
                                f"VALUES ({', '.join(':' + name for name in columns)})"), columns)


def old_shipments(connection, states: list[str]) -> None:
    """A dossier (with its folded name, since 0007) and a shipment in each state, ids 1, 2, …,
    at post office 1, as a revision from 0007 on held them."""
    old_dossiers(connection, [{"applicant_name": "An", "applicant_name_folded": "an"} for _ in states])
    for n, state in enumerate(states, start=1):
        connection.execute(text(
            "INSERT INTO shipment (id, public_id, dossier_id, direction, state, attempts_count,"
            " post_office_id, created_at, updated_at) VALUES (:id, :uuid, :id, 'deliver_result', :state,"
            " 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
            {"id": n, "uuid": f"00000000-0000-0000-0000-00000000000{n}", "state": state})
