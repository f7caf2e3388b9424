"""The notification outbox: one row per message to one recipient, sent once."""
import datetime as dt
from typing import Optional

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.vocabulary.enums import OutboxStatus
from app.models.base import Model, enum_check, enum_column
from app.timeutil import utcnow


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        # Exactly once: the same event for the same object and recipient on the same day.
        UniqueConstraint("event", "object_ref", "recipient", "trigger_date", name="uq_outbox_once"),
        enum_check("status", OutboxStatus),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(50), nullable=False)
    object_ref: Mapped[str] = mapped_column(String(100), nullable=False)  # e.g. "contract:12"
    recipient: Mapped[str] = mapped_column(String(255), nullable=False)
    trigger_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="email")
    subject: Mapped[str] = mapped_column(String(500), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    sender_name: Mapped[Optional[str]] = mapped_column(String(255))
    reply_to: Mapped[Optional[str]] = mapped_column(String(255))
    attachments: Mapped[Optional[str]] = mapped_column(Text)  # JSON list of document refs, rendered at send time
    status: Mapped[str] = enum_column(OutboxStatus, default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    response: Mapped[Optional[str]] = mapped_column(Text)  # what the receiver answered (webhooks: status and body)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
