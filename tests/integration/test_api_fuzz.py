"""Property-based fuzzing of the agency API from its own OpenAPI document (Schemathesis).

Every operation is called with generated valid and invalid inputs: no 5xx,
and every answer matches the schema the document declares.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings

from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from courier.services.agency_keys import issue_api_key
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_agency_api_never_fails_and_always_answers_as_documented(app, db, office):
    agency = factories.agency()
    agency.post_office = office
    headers = {"Authorization": f"Bearer {issue_api_key(agency)}"}
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/webhook", "/api/v1/incoming",
        "/api/v1/incoming/{shipment_id}/acknowledge", "/api/v1/incoming/{shipment_id}/return"}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.path, case.body, response.text[:300])
            # Not "valid data accepted": the schema cannot say that a code must name a real commune.
            case.validate_response(response, checks=CHECKS)
        call()
