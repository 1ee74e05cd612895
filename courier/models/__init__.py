"""The domain model, one module per aggregate; imported here so Alembic sees every table."""
from .agency_api import ApiKey, Webhook, WebhookDelivery, WebhookTry
from .cash import CashHandIn
from .chain import ChainCheckpoint, ChainHead
from .citizen_link import CitizenAnswer, CitizenLink, LinkSource
from .attempt import Attempt, FailureReason, IdCheck, Outcome, Proof, ProofKind, RecipientRelationship
from .dossier import ONE_DATABASE_ONLY, AuthorisedPerson, Dossier, described_by_the_models
from .event import AuditViolation, Event
from .organisation import Agency, PostOffice
from .pickup import AgencyBatch, Channel, Pickup, Slot
from .procedure import Procedure, ProcedureDocument
from .round import Round, RoundStop
from .shipment import Direction, Shipment
from .tally import ShipmentTally
from .takeout import TakeOut
from .user import Role, User
from .login_throttle import LoginThrottle
from .user_session import UserSession

__all__ = [
    "Agency", "AgencyBatch", "ApiKey", "AuditViolation", "CashHandIn", "ChainCheckpoint", "ChainHead", "CitizenAnswer", "CitizenLink", "LinkSource", "Attempt", "AuthorisedPerson", "Channel", "Direction", "Dossier", "Event",
    "FailureReason", "IdCheck", "Outcome", "Pickup", "PostOffice", "Procedure", "ProcedureDocument", "Proof", "ProofKind",
    "RecipientRelationship", "Role", "Round", "RoundStop", "Shipment", "Slot", "ShipmentTally", "TakeOut", "User", "UserSession", "LoginThrottle", "Webhook", "WebhookDelivery", "WebhookTry",
    "ONE_DATABASE_ONLY", "described_by_the_models",
]
