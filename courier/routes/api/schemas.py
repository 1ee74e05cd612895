"""The agency API's request and response shapes (pydantic), from which /api/v1/openapi.json is made."""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

from ...domain.bounds import (ID_TAIL, LATITUDE, LONGITUDE, MAX_CODE, MAX_DISTRICT, MAX_FEE, MAX_NAME,
                              MAX_PROCEDURE, MAX_RELATIONSHIP, MAX_STREET, VIETNAM_LATITUDE, VIETNAM_LONGITUDE)
from ...domain.webhooks import NOTIFIED_ACTIONS

api_spec = SpecTree(
    "flask", title="courier API", version="1", path="api/v1/docs", annotations=True, mode="strict",
    # Plain model names: the document is read by agencies' developers.
    naming_strategy=lambda model: model.__name__, nested_naming_strategy=lambda _parent, child: child,
    description="Agencies hand dossiers over and hear of each delivery (Decision 45/2016/QĐ-TTg).",
    security_schemes=[SecurityScheme(name="agency_key", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"agency_key": []},
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuthorisedPersonIn(Strict):
    full_name: str = Field(min_length=1, max_length=MAX_NAME)
    relationship: str | None = Field(default=None, max_length=MAX_RELATIONSHIP)
    expected_id_tail: str | None = Field(default=None, pattern=f"^{ID_TAIL}$")


DOSSIER_EXAMPLE = {
    "code": "000.00.17.H47-261127-0001", "procedure_name": "Cấp phiếu lý lịch tư pháp",
    "applicant_name": "Đỗ Thị Lan", "applicant_phone": "0905111222", "street": "3 Lê Lợi",
    "ward": "Phường Tam Kỳ", "province": "48", "due_date": "2026-11-30",
    "fee_agency": 200000, "fee_postage": 25000,
    "authorised_persons": [{"full_name": "Nguyễn Văn Hùng", "relationship": "chồng", "expected_id_tail": "1234"}],
}


class DossierIn(Strict):
    """A result ready to be carried to the citizen. Idempotent on `code`.

    Pushing a code again with the same data answers 200 with the same shipment;
    with different data it answers 409 and names every field that differs: a
    dossier handed over is never changed through the API (call the post office).
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DOSSIER_EXAMPLE]})

    code: str = Field(max_length=MAX_CODE, examples=["000.00.17.H47-261127-0001"])
    procedure_name: str = Field(min_length=1, max_length=MAX_PROCEDURE)
    applicant_name: str = Field(min_length=1, max_length=MAX_NAME)
    applicant_phone: str | None = Field(default=None, max_length=20)
    street: str = Field(min_length=1, max_length=MAX_STREET)
    ward: str = Field(description="Ward or commune: national code or name", max_length=100)
    province: str = Field(description="Province: national code or name (34 since 2025)", max_length=100)
    legacy_district: str | None = Field(default=None, max_length=MAX_DISTRICT)
    # A coordinate at all here; inside Vietnam is the rules' check (domain/dossiers.py), whose
    # refusal names the problem better ("invalid_coordinates").
    latitude: float | None = Field(default=None, ge=LATITUDE[0], le=LATITUDE[1],
                                   description=f"Inside Vietnam: {VIETNAM_LATITUDE[0]} to {VIETNAM_LATITUDE[1]}")
    longitude: float | None = Field(default=None, ge=LONGITUDE[0], le=LONGITUDE[1],
                                    description=f"Inside Vietnam: {VIETNAM_LONGITUDE[0]} to {VIETNAM_LONGITUDE[1]}")
    due_date: date | None = None
    fee_agency: int = Field(default=0, ge=0, le=MAX_FEE)
    fee_postage: int = Field(default=0, ge=0, le=MAX_FEE)
    expected_id_tail: str | None = Field(default=None, pattern=f"^{ID_TAIL}$")
    authorised_persons: list[AuthorisedPersonIn] = Field(default_factory=list, max_length=10)


class EventOut(BaseModel):
    action: str
    state: str | None
    at: datetime


class ShipmentOut(BaseModel):
    shipment_id: str
    dossier_code: str
    state: str
    citizen_link: str | None = Field(
        default=None, description="The agency's citizen link, for the appointment slip: in every answer "
                                  "while it opens (until CITIZEN_LINK_DAYS after delivery), else null")
    events: list[EventOut] = Field(default_factory=list)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "shipment_id": "6f1c2d9e-8a4b-4f7e-9c1d-2b3a4c5d6e7f", "dossier_code": "000.00.17.H47-261127-0001",
        "state": "registered", "citizen_link": "https://buudien.example.vn/t/q3ZkX0v9mS2bN7cR1tLp8wYe",
        "events": [{"action": "register", "state": "registered", "at": "2026-11-27T02:15:00+00:00"}]}]})


class WebhookIn(Strict):
    url: HttpUrl


class WebhookEvent(BaseModel):
    """What the app POSTs to the agency's URL, signed with HMAC-SHA256 in X-Courier-Signature."""

    event_id: UUID = Field(description="Unique per event and agency, the same on every retry: drop repeats by it")
    id: UUID = Field(description="The same value as event_id (kept for older receivers)")
    type: Literal[tuple(NOTIFIED_ACTIONS.values())]  # type: ignore[valid-type]
    occurred_at: datetime
    dossier_code: str
    shipment_id: UUID
    state: str | None
    details: dict[str, str] = Field(default_factory=dict, description=(
        "For a failed visit or a refused pickup: its reason; for dossier.handed_to_agency: the batch list's id"))


class IncomingOut(BaseModel):
    """A dossier the post office took in for the agency, on its way to the desk or at it."""

    shipment_id: str
    reference: str = Field(description="The post office's reference, printed on the envelope")
    procedure_code: str = Field(description="As the national portal writes it, e.g. 1.001193")
    procedure_name: str
    applicant_name: str
    applicant_phone: str | None
    pages: int | None
    state: str = Field(description="in_transit (on its way), at_agency, returned_for_supplement")
    batch: str | None = Field(description="The batch list (biên bản bàn giao) it came on")
    official_code: str | None = Field(default=None, description="The agency's own code, once acknowledged")
    promised_date: date | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "shipment_id": "6f1c2d9e-8a4b-4f7e-9c1d-2b3a4c5d6e7f", "reference": "TN261203-K7QX2M",
        "procedure_code": "1.001193", "procedure_name": "Cấp Phiếu lý lịch tư pháp cho công dân",
        "applicant_name": "Lê Thị Hoa", "applicant_phone": "0912345678", "pages": 4, "state": "in_transit",
        "batch": "0c6f3f0e-2f5b-4e0c-9d8e-1b2a3c4d5e6f", "official_code": None, "promised_date": None}]})


class IncomingListOut(BaseModel):
    dossiers: list[IncomingOut]


class AcknowledgeIn(Strict):
    """The desk has the dossier: its own dossier code (a result pushed later under this code reaches
    the same citizen) and the date it promises the result."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"official_code": "000.00.17.H47-261203-0042", "promised_date": "2026-12-17"}]})

    official_code: str = Field(max_length=MAX_CODE)
    promised_date: date


class ReturnIn(Strict):
    """The dossier goes back to the citizen to be completed (yêu cầu bổ sung), with the reason."""

    reason: str = Field(min_length=1, max_length=300)


class WebhookOut(BaseModel):
    url: str
    secret: str = Field(description="Shown once: verify X-Courier-Signature with it")
    example_event: WebhookEvent = Field(description="The shape of every event the URL will receive")


class ProblemEntry(BaseModel):
    pointer: str = Field(description="JSON Pointer to the field in the request body, e.g. #/ward")
    field: str = Field(description="The same place as a dotted name, e.g. authorised_persons[0].full_name")
    code: str = Field(description="Stable, for programs: required, unknown_ward, differs, …")
    detail: str = Field(description="What is wrong, in Vietnamese")


class ProblemOut(BaseModel):
    """Every error, as RFC 9457 problem details (application/problem+json), with all problems at once."""

    type: str
    title: str
    status: int
    detail: str
    error: str = Field(description="Stable, for programs: invalid, invalid_webhook, conflict, no_post_office, "
                                   "unauthorised, not_found, rate_limited, …")
    errors: list[ProblemEntry] = Field(default_factory=list)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "https://buudien.example.vn/api/v1/docs#problem-invalid", "title": "Hồ sơ không hợp lệ.",
        "status": 422, "detail": "2 trường có lỗi; xem danh sách errors.", "error": "invalid",
        "errors": [
            {"pointer": "#/fee_agency", "field": "fee_agency", "code": "greater_than_equal",
             "detail": "Phải từ 0 trở lên."},
            {"pointer": "#/ward", "field": "ward", "code": "unknown_ward",
             "detail": "Không có phường, xã này trong tỉnh, thành phố đã ghi."}]}]})


def document(spec: dict) -> dict:
    """The OpenAPI document as served: errors typed application/problem+json, examples shown.

    spectree names every body application/json; the problem answers are re-labelled
    here so that the document says what the API really sends.
    """
    import copy

    spec = copy.deepcopy(spec)
    problem_ref = "#/components/schemas/ProblemOut"
    for operation in (op for path in spec.get("paths", {}).values() for op in path.values()):
        for answer in operation.get("responses", {}).values():
            content = answer.get("content", {})
            if content.get("application/json", {}).get("schema", {}).get("$ref") == problem_ref:
                content["application/problem+json"] = content.pop("application/json")
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body and body.get("schema", {}).get("$ref") == "#/components/schemas/DossierIn":
            body["example"] = DOSSIER_EXAMPLE
    return spec
