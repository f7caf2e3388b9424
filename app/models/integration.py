"""Integrations: amoCRM pipeline stages mapped to contract statuses; outgoing webhook endpoints.

The deliveries of outgoing webhooks are outbox rows on the webhook channel (app/models/notice.py);
integration API tokens are FAB's own `ab_api_key` rows (hashed, shown once)."""
import datetime as dt
import secrets
from typing import Optional

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.audit import audited
from app.models.base import Model, enum_check, enum_column
from app.timeutil import utcnow
from app.vocabulary.enums import N_, AmocrmStatus, ContractStatus, WebhookEvent


ANY_PIPELINE = 0


@audited(N_("Этап amoCRM"))
class AmocrmStage(Model):
    """An amoCRM pipeline stage and the contract status it moves a linked contract to. No pipeline:
    (ANY_PIPELINE, 0) the stage in any pipeline (142 won and 143 lost are the same in every pipeline)."""

    __tablename__ = "amocrm_stage"
    __table_args__ = (
        enum_check("contract_status", AmocrmStatus),
        UniqueConstraint("pipeline_id", "status_id", name="uq_amocrm_stage_pipeline_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(BigInteger, nullable=False, default=ANY_PIPELINE)
    status_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    contract_status: Mapped[str] = enum_column(AmocrmStatus)
    comment: Mapped[Optional[str]] = mapped_column(String(255))

    def __str__(self):
        return f"{self.pipeline_id or '*'}/{self.status_id} → {ContractStatus.label_of(self.contract_status)}"


def new_secret():
    return secrets.token_urlsafe(32)


@audited(N_("Вебхук"), secret={"secret"})
class WebhookEndpoint(Model):
    """A URL the Owner registered for one event: each occurrence is POSTed there as JSON signed
    with HMAC-SHA256 of `secret` (header X-Arenda-Signature)."""

    __tablename__ = "webhook_endpoint"
    __table_args__ = (
        UniqueConstraint("url", "event", name="uq_webhook_endpoint_url_event"),
        enum_check("event", WebhookEvent),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(255), nullable=False)
    event: Mapped[str] = enum_column(WebhookEvent)
    secret: Mapped[str] = mapped_column(String(100), nullable=False, default=new_secret)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    def __str__(self):
        return f"{WebhookEvent.label_of(self.event)} → {self.url}"
