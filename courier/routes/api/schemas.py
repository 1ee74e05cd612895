"""The agency API's request and response shapes (pydantic), from which /api/v1/openapi.json is made."""
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

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
    full_name: str = Field(min_length=1, max_length=120)
    relationship: str | None = Field(default=None, max_length=60)
    expected_id_tail: str | None = Field(default=None, pattern=r"^\d{3,6}$")


class DossierIn(Strict):
    """A result ready to be carried to the citizen. Idempotent on `code`."""

    code: str = Field(max_length=64, examples=["000.00.17.H47-261127-0001"])
    procedure_name: str = Field(min_length=1, max_length=300)
    applicant_name: str = Field(min_length=1, max_length=120)
    applicant_phone: str | None = Field(default=None, max_length=20)
    street: str = Field(min_length=1, max_length=200)
    ward: str = Field(description="Ward or commune: national code or name", max_length=100)
    province: str = Field(description="Province: national code or name (34 since 2025)", max_length=100)
    legacy_district: str | None = Field(default=None, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    due_date: date | None = None
    fee_agency: int = Field(default=0, ge=0, le=100_000_000)
    fee_postage: int = Field(default=0, ge=0, le=100_000_000)
    expected_id_tail: str | None = Field(default=None, pattern=r"^\d{3,6}$")
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
        default=None, description="Only in the answer that created the shipment: print it on the slip")
    events: list[EventOut] = Field(default_factory=list)


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
    details: dict[str, str] = Field(default_factory=dict, description="For a failed visit: its reason")


class WebhookOut(BaseModel):
    url: str
    secret: str = Field(description="Shown once: verify X-Courier-Signature with it")
    example_event: WebhookEvent = Field(description="The shape of every event the URL will receive")


class ErrorOut(BaseModel):
    error: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)
