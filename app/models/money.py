"""Money operations (bank statement lines, cash, manual), their allocations to invoices,
and import batches."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.vocabulary.enums import N_, Direction, PaymentSource
from app.models.audit import audited
from app.models.base import MONEY, Model, Timestamps, enum_check, enum_column, money_column, non_negative, partial_index
from app.timeutil import utcnow


class ImportBatch(Model):
    """One uploaded file and what its import did."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    filename: Mapped[Optional[str]] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    sha256: Mapped[Optional[str]] = mapped_column(String(64))
    imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    allocated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    not_allocated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    report: Mapped[Optional[str]] = mapped_column(Text)  # JSON: details and messages

    created_by = relationship("User")

    def __str__(self):
        return f"{self.filename or self.format} ({self.created_at:%d.%m.%Y %H:%M})"


@audited(N_("Операция"))
class Payment(Timestamps, Model):
    """A money operation. `allocated_amount` is the sum of its allocations, kept by
    app.domain.allocation."""

    __tablename__ = "payment"
    __table_args__ = (
        enum_check("direction", Direction),
        enum_check("source", PaymentSource),
        CheckConstraint("amount > 0", name="amount_positive"),
        non_negative("allocated_amount"),
        CheckConstraint("allocated_amount <= amount", name="allocated_not_above_amount"),
        # Needs attention (app.domain.attention): incoming money not fully allocated (transfers
        # between our own accounts excepted), newest first.
        partial_index("ix_payment_unallocated", "date",
                      where="direction = 'incoming' AND allocated_amount < amount AND internal_transfer IS false"),
        # Reports (app.domain.reports): money received summed by month of its date, read from the index alone.
        partial_index("ix_payment_incoming_date", "date", "amount", where="direction = 'incoming' AND internal_transfer IS false"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = enum_column(Direction, default=Direction.INCOMING.value)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    number: Mapped[Optional[str]] = mapped_column(String(40), index=True)  # found by the search (app.domain.search)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, index=True)  # found by the search, too
    payer_name: Mapped[Optional[str]] = mapped_column(String(500))
    payer_inn: Mapped[Optional[str]] = mapped_column(String(12), index=True)
    payer_kpp: Mapped[Optional[str]] = mapped_column(String(9))
    payer_account: Mapped[Optional[str]] = mapped_column(String(25))
    payer_bik: Mapped[Optional[str]] = mapped_column(String(9))
    payer_bank: Mapped[Optional[str]] = mapped_column(String(255))
    recipient_name: Mapped[Optional[str]] = mapped_column(String(500))
    recipient_inn: Mapped[Optional[str]] = mapped_column(String(12), index=True)
    recipient_kpp: Mapped[Optional[str]] = mapped_column(String(9))
    recipient_account: Mapped[Optional[str]] = mapped_column(String(25))
    recipient_bik: Mapped[Optional[str]] = mapped_column(String(9))
    recipient_bank: Mapped[Optional[str]] = mapped_column(String(255))
    purpose: Mapped[Optional[str]] = mapped_column(Text)
    source: Mapped[str] = enum_column(PaymentSource, default=PaymentSource.MANUAL.value)
    batch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)
    # Identity of the operation in its bank/1C source: re-imports with the same key are duplicates.
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    payer_is_bank: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # card payment of a person
    # A transfer between two accounts of our executors: never allocated, not money to chase (app.domain.attention).
    internal_transfer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    allocated_amount: Mapped[Decimal] = money_column()
    comment: Mapped[Optional[str]] = mapped_column(Text)

    batch = relationship("ImportBatch")
    allocations = relationship("Allocation", back_populates="payment", cascade="all, delete-orphan")

    def __str__(self):
        return f"№ {self.number or '—'} от {self.date:%d.%m.%Y} на {self.amount} ₽"


@audited(N_("Разнесение"))
class Allocation(Model):
    """Part of a payment's amount applied to an invoice (разноска)."""

    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("payment_id", "invoice_id", name="uq_allocation_payment_invoice"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"), nullable=False, index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    automatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    payment = relationship("Payment", back_populates="allocations")
    invoice = relationship("Invoice", back_populates="allocations")

    def __str__(self):
        return f"{self.amount} ₽"
