"""Invoices, acts and VAT invoices (planned rows of the schedule and issued documents),
their lines, and the per-executor number counters."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.vocabulary.enums import N_, ActStatus, DocumentKind, InvoiceStatus, VatInvoiceStatus
from app.models.audit import audited
from app.models.base import MONEY, Model, Timestamps, enum_check, enum_column, money_column, non_negative, partial_index
from app.vocabulary.amounts import payment_state


class DocumentColumns(Timestamps):
    """What invoices and acts share. Executor and customer are copied from the contract
    when the document is created, so numbering and matching need no join."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    executor_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(DocumentKind, default=DocumentKind.RENT.value)
    number: Mapped[Optional[str]] = mapped_column(String(40))  # set when issued
    date: Mapped[Optional[dt.date]] = mapped_column(Date)  # issue date
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    planned_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    amount: Mapped[Decimal] = money_column()
    vat_amount: Mapped[Decimal] = money_column()
    comment: Mapped[Optional[str]] = mapped_column(Text)
    # A one-off charge (deposit, compensation, extra service) planned by hand, not by the schedule:
    # every rebuild keeps it, the nightly job issues it as written on its planned date.
    one_off: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    @declared_attr
    def contract(cls):
        return relationship("Contract")

    @declared_attr
    def executor(cls):
        return relationship("Counterparty", foreign_keys=[cls.executor_id])

    @declared_attr
    def customer(cls):
        return relationship("Counterparty", foreign_keys=[cls.customer_id])

    def __str__(self):
        if self.number:
            return f"№ {self.number} от {self.date:%d.%m.%Y}" if self.date else f"№ {self.number}"
        return f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


def schedule_plan(document):
    """A row the schedule planned (not a one-off written by hand): derived from the contract's terms,
    whose own changes the audit log records, so it gets no entries of its own."""
    return document.status == InvoiceStatus.PLANNED.value and not document.one_off  # acts share the value


def _document_constraints(table, status_enum):
    return (
        UniqueConstraint("executor_id", "number", name=f"uq_{table}_executor_number"),
        CheckConstraint("period_end >= period_start", name="period_end_not_before_start"),
        enum_check("status", status_enum),
        enum_check("kind", DocumentKind),
        non_negative("amount"),
        non_negative("vat_amount"),
    )


@audited(N_("Счёт"), skipped=schedule_plan)
class Invoice(DocumentColumns, Model):
    __tablename__ = "invoice"
    __table_args__ = _document_constraints("invoice", InvoiceStatus) + (
        non_negative("paid_amount"),
        # Needs attention (app.domain.attention): unpaid issued invoices by contract and due date,
        # and planned / cancelled ones by status. The amounts and the id make the start page's debt
        # by age (app.domain.reports.summary) and its count of invoices needing attention
        # (attention.counts) reads of this index alone.
        partial_index("ix_invoice_unpaid", "contract_id", "due_date", "amount", "paid_amount", "id",
                      where="status = 'issued' AND paid_amount < amount"),
        Index("ix_invoice_status_planned_date", "status", "planned_date"),
        # Reports (app.domain.reports): issued invoices summed by month of their date, read from the index alone.
        partial_index("ix_invoice_issued_date", "date", "amount", where="status = 'issued'"),
        partial_index("ix_invoice_cancelled_paid", "id", where="status = 'cancelled' AND paid_amount > 0"),
    )

    status: Mapped[str] = enum_column(InvoiceStatus, default=InvoiceStatus.PLANNED.value)
    due_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    # Sum of allocations; kept by app.domain.allocation, never written elsewhere.
    paid_amount: Mapped[Decimal] = money_column()

    lines = relationship(
        "InvoiceLine", back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.position",
        foreign_keys="InvoiceLine.invoice_id",
    )
    allocations = relationship("Allocation", back_populates="invoice")

    @property
    def payment_state(self):
        return payment_state(self.amount, self.paid_amount)


@audited(N_("Акт"), skipped=schedule_plan)
class Act(DocumentColumns, Model):
    __tablename__ = "act"
    __table_args__ = _document_constraints("act", ActStatus) + (
        # Needs attention: on signing, planned; with the id, the start page counts each act once from the index alone.
        Index("ix_act_status_planned_date", "status", "planned_date", "id"),
    )

    status: Mapped[str] = enum_column(ActStatus, default=ActStatus.PLANNED.value)

    lines = relationship("ActLine", back_populates="act", cascade="all, delete-orphan", order_by="ActLine.position")
    vat_invoice = relationship("VatInvoice", back_populates="act", uselist=False)


@audited(N_("Счёт-фактура"))
class VatInvoice(Timestamps, Model):
    """Счёт-фактура: created with its act (when the executor has them on) and takes its number."""

    __tablename__ = "vat_invoice"
    __table_args__ = (
        UniqueConstraint("executor_id", "number", name="uq_vat_invoice_executor_number"),
        enum_check("status", VatInvoiceStatus),
        non_negative("amount"),
        non_negative("vat_amount"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("act.id", ondelete="CASCADE"), nullable=False, unique=True)
    executor_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = money_column()
    vat_amount: Mapped[Decimal] = money_column()
    status: Mapped[str] = enum_column(VatInvoiceStatus, default=VatInvoiceStatus.ISSUED.value)

    act = relationship("Act", back_populates="vat_invoice")
    executor = relationship("Counterparty", foreign_keys=[executor_id])
    customer = relationship("Counterparty", foreign_keys=[customer_id])

    def __str__(self):
        return f"№ {self.number} от {self.date:%d.%m.%Y}"


class LineColumns:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    name: Mapped[str] = mapped_column(String(500), nullable=False)
    period_start: Mapped[Optional[dt.date]] = mapped_column(Date)
    period_end: Mapped[Optional[dt.date]] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    vat_amount: Mapped[Decimal] = money_column()


class InvoiceLine(LineColumns, Model):
    __tablename__ = "invoice_line"
    __table_args__ = (non_negative("amount"),)

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), nullable=False, index=True)
    # A penalty invoice's line: the overdue invoice it charges for (app.domain.penalties).
    source_invoice_id: Mapped[Optional[int]] = mapped_column(ForeignKey("invoice.id", ondelete="SET NULL"), index=True)
    invoice = relationship("Invoice", back_populates="lines", foreign_keys=[invoice_id])
    source_invoice = relationship("Invoice", foreign_keys=[source_invoice_id])


class ActLine(LineColumns, Model):
    __tablename__ = "act_line"
    __table_args__ = (non_negative("amount"),)

    act_id: Mapped[int] = mapped_column(ForeignKey("act.id", ondelete="CASCADE"), nullable=False, index=True)
    act = relationship("Act", back_populates="lines")


class DocumentCounter(Model):
    """The last number used per executor and document kind (`invoice`, `act`)."""

    __tablename__ = "document_counter"
    __table_args__ = (CheckConstraint("kind IN ('invoice', 'act')", name="kind_valid"), non_negative("last_number"))

    executor_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
