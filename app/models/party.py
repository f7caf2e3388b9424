"""Counterparties (executors and customers), their bank accounts and contact persons."""
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.vocabulary.enums import PartyKind
from app.models.base import RATE, Model, Timestamps, enum_check, enum_column

HAS_INN = "inn IS NOT NULL AND inn <> ''"


class Counterparty(Timestamps, Model):
    __tablename__ = "counterparty"
    __table_args__ = (
        enum_check("kind", PartyKind),
        CheckConstraint("default_vat_rate >= 0 AND default_vat_rate < 1", name="vat_rate_range"),
        # One card per INN+KPP; without a KPP (NULL or empty), one per INN among those without.
        # Checked first, with the existing card named, by app.domain.uniqueness.
        Index("uq_counterparty_inn_kpp", "inn", text("COALESCE(kpp, '')"), unique=True,
              postgresql_where=text(HAS_INN), sqlite_where=text(HAS_INN)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = enum_column(PartyKind, default=PartyKind.LEGAL.value)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    full_name: Mapped[Optional[str]] = mapped_column(String(500))
    inn: Mapped[Optional[str]] = mapped_column(String(12), index=True)
    kpp: Mapped[Optional[str]] = mapped_column(String(9))
    ogrn: Mapped[Optional[str]] = mapped_column(String(15))
    address: Mapped[Optional[str]] = mapped_column(Text)
    phone: Mapped[Optional[str]] = mapped_column(String(50))
    email: Mapped[Optional[str]] = mapped_column(String(255))
    is_executor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_customer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Executor card
    doc_prefix: Mapped[Optional[str]] = mapped_column(String(20))
    reply_to_email: Mapped[Optional[str]] = mapped_column(String(255))
    default_vat_rate: Mapped[Decimal] = mapped_column(RATE, nullable=False, default=Decimal("0.2000"))
    vat_invoices_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Customer card: one email per line or separated by commas
    recipient_emails: Mapped[Optional[str]] = mapped_column(Text)
    comment: Mapped[Optional[str]] = mapped_column(Text)

    bank_accounts = relationship("BankAccount", back_populates="counterparty", cascade="all, delete-orphan")
    contacts = relationship("ContactPerson", back_populates="counterparty", cascade="all, delete-orphan")

    def __str__(self):
        return self.name or ""

    def __repr__(self):
        return f"<Counterparty {self.id} {self.name!r}>"


class BankAccount(Model):
    __tablename__ = "bank_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counterparty_id: Mapped[int] = mapped_column(
        ForeignKey("counterparty.id", ondelete="CASCADE"), nullable=False, index=True
    )
    account: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    bik: Mapped[str] = mapped_column(String(9), nullable=False)
    bank_name: Mapped[Optional[str]] = mapped_column(String(255))
    corr_account: Mapped[Optional[str]] = mapped_column(String(20))

    counterparty = relationship("Counterparty", back_populates="bank_accounts")

    def __str__(self):
        return f"{self.account} ({self.bank_name or self.bik})"


class ContactPerson(Model):
    __tablename__ = "contact_person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counterparty_id: Mapped[int] = mapped_column(
        ForeignKey("counterparty.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    position: Mapped[Optional[str]] = mapped_column(String(255))
    phone: Mapped[Optional[str]] = mapped_column(String(50))
    email: Mapped[Optional[str]] = mapped_column(String(255))

    counterparty = relationship("Counterparty", back_populates="contacts")

    def __str__(self):
        return self.name
