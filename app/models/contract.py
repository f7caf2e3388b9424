"""Contracts with their rooms, services and contacts; supplementary agreements; status history."""
import secrets
import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.vocabulary.enums import N_, BillingPeriod, ContractStatus, DepositOperationKind, IndexationMode, InvoicedPeriod, PenaltyMode, VatMode
from app.models.audit import audited
from app.models.base import AREA, MONEY, PERCENT, RATE, Model, Timestamps, enum_check, enum_column, non_negative, partial_index
from app.timeutil import utcnow
from app.vocabulary.amounts import monthly_rent


def new_link_key():
    return secrets.token_urlsafe(16)


def own_end_date(context):
    """A new contract's end in force, until an agreement moves it: its own end date."""
    return context.get_current_parameters().get("end_date")


contract_contact = Table(
    "contract_contact",
    Model.metadata,
    Column("contract_id", ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_person_id", ForeignKey("contact_person.id", ondelete="CASCADE"), primary_key=True),
)


# The needs-attention rule "requires registration" as app.domain.attention writes it on each database.
_REGISTRATION_DAYS = "(end_in_force - start_date) + 1 > 364"
_REGISTRATION_DAYS_SQLITE = "CAST(julianday(end_in_force) - julianday(start_date) AS INTEGER) + 1 > 364"


@audited(N_("Договор"), secret={"link_key"})
class Contract(Timestamps, Model):
    __tablename__ = "contract"
    __table_args__ = (
        enum_check("status", ContractStatus),
        enum_check("vat_mode", VatMode),
        enum_check("billing_period", BillingPeriod),
        enum_check("invoiced_period", InvoicedPeriod),
        enum_check("penalty_mode", PenaltyMode),
        CheckConstraint("penalty_rate IS NULL OR penalty_rate >= 0", name="penalty_rate_non_negative"),
        CheckConstraint("penalty_cap_percent IS NULL OR penalty_cap_percent >= 0", name="penalty_cap_non_negative"),
        non_negative("penalty_grace_days"),
        enum_check("indexation_mode", IndexationMode),
        CheckConstraint("indexation_percent IS NULL OR indexation_percent >= 0", name="indexation_percent_non_negative"),
        CheckConstraint("indexation_month IS NULL OR indexation_month BETWEEN 1 AND 12", name="indexation_month_range"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_not_before_start"),
        CheckConstraint("invoice_day BETWEEN 1 AND 31", name="invoice_day_range"),
        CheckConstraint("payment_day IS NULL OR payment_day BETWEEN 1 AND 31", name="payment_day_range"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),
        non_negative("monthly_rent"),
        non_negative("deposit"),
        non_negative("notify_days_before_end"),
        non_negative("payment_term_days"),
        UniqueConstraint("executor_id", "number", name="uq_contract_executor_number"),  # app.domain.uniqueness
        # The contracts list's order (newest first, then id): a page of 25 is read off the index,
        # however many contracts the filter (needs attention) lets through.
        Index("ix_contract_date_id", "date", "id"),
        # Needs attention (app.domain.attention): each contract rule counted from its own rows.
        partial_index("ix_contract_inactive", "id", where="status IN ('draft', 'booked', 'on_signing')"),
        partial_index("ix_contract_without_original", "id", where="status IN ('signed', 'registered') AND NOT has_original"),
        Index("ix_contract_not_registered", "id",
              postgresql_where=text(f"status IN ('signed', 'registered') AND status <> 'registered' AND {_REGISTRATION_DAYS}"),
              sqlite_where=text(f"status IN ('signed', 'registered') AND status <> 'registered' AND {_REGISTRATION_DAYS_SQLITE}")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    executor_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = enum_column(ContractStatus, default=ContractStatus.DRAFT.value)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    # The last day after the agreements (app.domain.contracts.end_in_force), stored for the SQL
    # rules (registration required); kept by the save hooks (app.hooks.rescheduling) and the demo data.
    end_in_force: Mapped[Optional[dt.date]] = mapped_column(Date, default=own_end_date)
    has_original: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notify_days_before_end: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    autosend_documents: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Billing terms
    monthly_rent: Mapped[Optional[Decimal]] = mapped_column(MONEY)  # None: derived from the rooms
    vat_mode: Mapped[str] = enum_column(VatMode, default=VatMode.ON_TOP.value)
    vat_rate: Mapped[Decimal] = mapped_column(RATE, nullable=False, default=Decimal("0.2000"))
    billing_period: Mapped[str] = enum_column(BillingPeriod, default=BillingPeriod.CALENDAR_MONTH.value)
    invoiced_period: Mapped[str] = enum_column(InvoicedPeriod, default=InvoicedPeriod.NEXT.value)
    invoice_day: Mapped[int] = mapped_column(Integer, nullable=False, default=25)
    payment_term_days: Mapped[Optional[int]] = mapped_column(Integer, default=5)
    payment_day: Mapped[Optional[int]] = mapped_column(Integer)
    deposit_amount: Mapped[Optional[Decimal]] = mapped_column("deposit", MONEY)  # the security deposit (SPEC §6's name)
    # Penalties for late payment (SPEC §1.9, app.domain.penalties)
    penalty_mode: Mapped[str] = enum_column(PenaltyMode, default=PenaltyMode.NONE.value)
    penalty_rate: Mapped[Optional[Decimal]] = mapped_column(PERCENT)  # percent per day: 0.1 = 0.1 %
    penalty_grace_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    penalty_cap_percent: Mapped[Optional[Decimal]] = mapped_column(PERCENT)  # of each invoice's amount
    penalty_monthly: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # the nightly job charges on the 1st
    # Yearly rent indexation (SPEC §1.9, app.domain.indexation): from the 1st of indexation_month
    indexation_mode: Mapped[str] = enum_column(IndexationMode, default=IndexationMode.NONE.value)
    indexation_percent: Mapped[Optional[Decimal]] = mapped_column(PERCENT)  # fixed mode: percent per year
    indexation_month: Mapped[Optional[int]] = mapped_column(Integer)  # 1..12
    amocrm_lead_id: Mapped[Optional[int]] = mapped_column(BigInteger, index=True)
    link_key: Mapped[str] = mapped_column(String(32), nullable=False, unique=True, default=new_link_key)
    comment: Mapped[Optional[str]] = mapped_column(Text)

    executor = relationship("Counterparty", foreign_keys=[executor_id])
    customer = relationship("Counterparty", foreign_keys=[customer_id])
    manager = relationship("User", foreign_keys=[manager_id])
    rooms = relationship("ContractRoom", back_populates="contract", cascade="all, delete-orphan")
    services = relationship("ContractService", back_populates="contract", cascade="all, delete-orphan")
    contacts = relationship("ContactPerson", secondary=contract_contact)
    agreements = relationship(
        "Agreement", back_populates="contract", cascade="all, delete-orphan", order_by="Agreement.start_date"
    )
    status_history = relationship(
        "ContractStatusChange",
        back_populates="contract",
        cascade="all, delete-orphan",
        order_by="ContractStatusChange.changed_at",
    )

    def __str__(self):
        return f"№ {self.number} от {self.date:%d.%m.%Y}" if self.date else f"№ {self.number}"

    @property
    def rent(self):
        """The monthly rent in force by the contract's own terms (see app.domain.contracts)."""
        return monthly_rent(self)


@audited(N_("Помещение договора"))
class ContractRoom(Model):
    __tablename__ = "contract_room"
    __table_args__ = (
        UniqueConstraint("contract_id", "room_id", name="uq_contract_room"),
        CheckConstraint("area > 0", name="area_positive"),
        non_negative("rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), nullable=False, index=True)
    area: Mapped[Decimal] = mapped_column(AREA, nullable=False)
    rate: Mapped[Decimal] = mapped_column(MONEY, nullable=False)  # RUB per m² per year

    contract = relationship("Contract", back_populates="rooms")
    room = relationship("Room")

    def __str__(self):
        return f"{self.room} — {self.area} м²"


@audited(N_("Услуга договора"))
class ContractService(Model):
    """An extra monthly line on the contract's invoices (utilities, parking ...)."""

    __tablename__ = "contract_service"
    __table_args__ = (non_negative("monthly_amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    monthly_amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)

    contract = relationship("Contract", back_populates="services")

    def __str__(self):
        return self.name


@audited(N_("Доп. соглашение"))
class Agreement(Timestamps, Model):
    """A supplementary agreement: from `start_date` the rent, rooms or end date change, or the contract ends early."""

    __tablename__ = "agreement"
    __table_args__ = (
        non_negative("new_monthly_rent"),
        non_negative("notify_days_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(50), nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    notify_days_before: Mapped[int] = mapped_column(Integer, nullable=False, default=7)
    new_monthly_rent: Mapped[Optional[Decimal]] = mapped_column(MONEY)
    new_end_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    terminates: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # early termination
    # Only a signed agreement changes the terms (app.domain.contracts); the nightly job drafts the
    # yearly indexation (app.domain.indexation) unsigned, for the manager to sign.
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=true())
    indexation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    comment: Mapped[Optional[str]] = mapped_column(Text)

    contract = relationship("Contract", back_populates="agreements")
    rooms = relationship("AgreementRoom", back_populates="agreement", cascade="all, delete-orphan")

    def __str__(self):
        return f"Доп. соглашение № {self.number} от {self.date:%d.%m.%Y}" if self.date else self.number


@audited(N_("Помещение доп. соглашения"))
class AgreementRoom(Model):
    """The contract's room set from the agreement's start date (replaces the previous set)."""

    __tablename__ = "agreement_room"
    __table_args__ = (
        UniqueConstraint("agreement_id", "room_id", name="uq_agreement_room"),
        CheckConstraint("area > 0", name="area_positive"),
        non_negative("rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), nullable=False)
    area: Mapped[Decimal] = mapped_column(AREA, nullable=False)
    rate: Mapped[Decimal] = mapped_column(MONEY, nullable=False)

    agreement = relationship("Agreement", back_populates="rooms")
    room = relationship("Room")


class ContractStatusChange(Model):
    __tablename__ = "contract_status_change"
    __table_args__ = (
        enum_check("new_status", ContractStatus),
        CheckConstraint(
            "old_status IS NULL OR old_status IN (%s)" % ", ".join(f"'{v}'" for v in ContractStatus.values()),
            name="old_status_valid",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    old_status: Mapped[Optional[str]] = mapped_column(String(20))
    new_status: Mapped[str] = mapped_column(String(20), nullable=False)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="ui")

    contract = relationship("Contract", back_populates="status_history")
    changed_by = relationship("User")


@audited(N_("Операция с депозитом"))
class DepositOperation(Timestamps, Model):
    """One step with a held security deposit (app.domain.deposits): an offset against a named
    open invoice of the contract, or the refund to the tenant; its PDF is the document of it."""

    __tablename__ = "deposit_operation"
    __table_args__ = (
        enum_check("kind", DepositOperationKind),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(kind = 'offset') = (invoice_id IS NOT NULL)", name="offset_names_invoice"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(DepositOperationKind)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    invoice_id: Mapped[Optional[int]] = mapped_column(ForeignKey("invoice.id"), index=True)  # the offset's invoice
    comment: Mapped[Optional[str]] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    contract = relationship("Contract")
    invoice = relationship("Invoice")
    created_by = relationship("User")

    def __str__(self):
        return f"№ {self.id} от {self.date:%d.%m.%Y}" if self.id else f"{self.date:%d.%m.%Y}"
