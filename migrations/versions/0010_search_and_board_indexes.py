"""trigram indexes for search by code fragment, phone digits and name; the board's due dates

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 06:30:00

The search box (services.search) matches a fragment of a dossier code or
phone number, or a part of the folded name, anywhere in it (`LIKE '%...%'`).
A B-tree cannot answer that; at a million shipments the dispatcher waited
0.4-1 s while the office's shipments were read one by one. Each database
gets a trigram index of those three columns:

- PostgreSQL: pg_trgm GIN indexes on dossier.code and dossier.applicant_phone
  (applicant_name_folded has had one since 0007).
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34), whose
  rows are the dossiers' (rowid = dossier.id), filled from the dossiers here
  and kept in step by triggers on insert, update and delete. It stores no
  copy of the text (content='dossier'), only the index.

None is in the models (SQLAlchemy cannot say "this dialect only"):
courier.models.dossier.ONE_DATABASE_ONLY names them for the schema comparison.
A later migration that rebuilds the dossier table on SQLite (batch mode with
recreate) drops the triggers with the table and must create them again.

And the board's "due and not out" list (services.board.office_summary) reads
the due date of each shipment of the office not yet out (~12,000 at a
million) by its dossier's id. On PostgreSQL ix_dossier_id_due_date lets it
read that from the index alone, not from the dossier rows (40 → 23 ms);
SQLite finds a row by its id directly, and would not use it.
"""
import sqlite3

from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COLUMNS = "code, applicant_phone, applicant_name_folded"
# The 'delete' command must be given the values that were indexed: the old row's.
TRIGGERS = (
    f"""CREATE TRIGGER dossier_search_insert AFTER INSERT ON dossier BEGIN
        INSERT INTO dossier_search (rowid, {COLUMNS})
        VALUES (new.id, new.code, new.applicant_phone, new.applicant_name_folded);
    END""",
    f"""CREATE TRIGGER dossier_search_delete AFTER DELETE ON dossier BEGIN
        INSERT INTO dossier_search (dossier_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.code, old.applicant_phone, old.applicant_name_folded);
    END""",
    f"""CREATE TRIGGER dossier_search_update AFTER UPDATE OF {COLUMNS} ON dossier BEGIN
        INSERT INTO dossier_search (dossier_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.code, old.applicant_phone, old.applicant_name_folded);
        INSERT INTO dossier_search (rowid, {COLUMNS})
        VALUES (new.id, new.code, new.applicant_phone, new.applicant_name_folded);
    END""",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_dossier_id_due_date', 'dossier', ['id', 'due_date'], unique=False)
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index('ix_dossier_code_trgm', 'dossier', ['code'], postgresql_using='gin',
                        postgresql_ops={'code': 'gin_trgm_ops'})
        op.create_index('ix_dossier_applicant_phone_trgm', 'dossier', ['applicant_phone'], postgresql_using='gin',
                        postgresql_ops={'applicant_phone': 'gin_trgm_ops'})
        return
    if sqlite3.sqlite_version_info < (3, 34):
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer: 3.34 or newer is needed")
    # columnsize=0: search never ranks (bm25 would need each row's length), so store none.
    op.execute(f"CREATE VIRTUAL TABLE dossier_search USING fts5({COLUMNS}, content='dossier', "
               "content_rowid='id', tokenize='trigram', columnsize=0)")
    # Index every dossier already there (read from the content table), then follow each change.
    op.execute("INSERT INTO dossier_search (dossier_search) VALUES ('rebuild')")
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_dossier_applicant_phone_trgm', table_name='dossier')
        op.drop_index('ix_dossier_code_trgm', table_name='dossier')
        op.drop_index('ix_dossier_id_due_date', table_name='dossier')
        return
    for name in ("dossier_search_update", "dossier_search_delete", "dossier_search_insert"):
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE dossier_search")
