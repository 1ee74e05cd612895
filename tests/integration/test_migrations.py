"""The migrations and the models describe the same schema, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from courier.models import described_by_the_models


def test_flask_db_upgrade_gives_exactly_the_models_schema(db):
    # The worker's database was built by `flask db upgrade` (see conftest). The search indexes
    # of one database only are left out, as autogenerate leaves them (migrations/env.py).
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_name": described_by_the_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_attempt_idempotency_key_is_unique_in_the_database(db):
    unique = inspect(db.engine).get_unique_constraints("attempt")
    indexes = [i for i in inspect(db.engine).get_indexes("attempt") if i.get("unique")]
    columns = [c["column_names"] for c in unique] + [i["column_names"] for i in indexes]
    assert ["client_id"] in columns
