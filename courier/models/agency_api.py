"""How agencies' software talks to us: API keys in, webhook deliveries out."""
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .organisation import Agency
from .types import UTCDateTime, utcnow


class ApiKey(db.Model):
    """An agency's API key. Only its SHA-256 is kept; the key is shown once, when made."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    # The key's public first part, to find the row without scanning every hash.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After this the key is refused, so a key forgotten on an old server stops working by itself.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship()


class Webhook(db.Model):
    """Where an agency wants to hear of its shipments; the signing secret is kept encrypted."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()


class WebhookDelivery(db.Model):
    """One event to send to one agency, retried until acknowledged (a transactional outbox).

    Written in the same transaction as the custody event it reports, so an
    event is never reported that did not happen, nor lost if it did.
    """

    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent with every try, so the receiver can drop repeats.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, delivered
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship()
    log: Mapped[list["WebhookTry"]] = relationship(back_populates="delivery", order_by="WebhookTry.id")


class WebhookTry(db.Model):
    """One try at a delivery, with what came back: every try is logged."""

    __tablename__ = "webhook_try"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    tried_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    url: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int]

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="log")
