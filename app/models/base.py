"""Shared model helpers: the naming convention, money and enum column helpers, audit times."""
from datetime import datetime
from decimal import Decimal

from flask_appbuilder.models.sqla import Model
from sqlalchemy import CheckConstraint, DateTime, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.timeutil import utcnow

# Named constraints give SQLite batch migrations and PostgreSQL the same names.
Model.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Numeric(14, 2)
AREA = Numeric(10, 2)
RATE = Numeric(7, 4)  # VAT rate as a fraction: 0.2000 = 20 %
PERCENT = Numeric(9, 4)  # a percent: 0.1000 = 0.1 %, 16.5000 = 16.5 %


def money_column(nullable=False, default=Decimal("0.00")):
    return mapped_column(MONEY, nullable=nullable, default=default)


def enum_column(enum_cls, default=None, nullable=False):
    length = max(len(v) for v in enum_cls.values())
    return mapped_column(String(length), nullable=nullable, default=default)


def enum_check(column, enum_cls, name=None):
    values = ", ".join(f"'{v}'" for v in enum_cls.values())
    return CheckConstraint(f"{column} IN ({values})", name=name or f"{column}_valid")


def non_negative(column):
    return CheckConstraint(f"{column} >= 0", name=f"{column}_non_negative")


def partial_index(name, *columns, where):
    """An index of only the rows matching `where` (SQL), on PostgreSQL and SQLite alike."""
    return Index(name, *columns, postgresql_where=text(where), sqlite_where=text(where))


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


__all__ = [
    "Model", "MONEY", "AREA", "RATE", "PERCENT", "money_column", "enum_column", "enum_check", "non_negative", "partial_index",
    "Timestamps",
]
