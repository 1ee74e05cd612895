"""An attempt keeps only the masked tail of the recipient's ID number: nothing else of it reaches the server."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import text

from courier.domain.identity import masked_tail
from courier.models import Attempt, IdCheck, Outcome, RecipientRelationship
from tests import factories

FULL_ID = "049201001234"


def test_the_full_id_number_is_nowhere_in_the_database(app, db, office, users):
    shipment = factories.shipment(office)
    db.session.add(Attempt(
        client_id=uuid.uuid4(), shipment=shipment, courier=users["courier"],
        outcome=Outcome.DELIVERED, captured_at=datetime.now(timezone.utc),
        recipient_name="Trần Thị Bích Ngọc", recipient_relationship=RecipientRelationship.APPLICANT,
        id_check=IdCheck.MATCHED, id_tail_masked=masked_tail(FULL_ID),
        content_digest="0" * 64,
    ))
    db.session.commit()
    row = db.session.execute(text("SELECT * FROM attempt")).mappings().one()
    stored = " ".join(str(value) for value in row.values())
    assert FULL_ID not in stored and FULL_ID[:8] not in stored
    assert row["id_tail_masked"] == "********1234"
