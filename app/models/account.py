"""The account (the landlord business this installation serves) and its tariff."""
import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.vocabulary.enums import N_, TariffPeriod
from app.models.audit import audited
from app.models.base import Model, Timestamps, enum_check, enum_column, money_column, non_negative


@audited(N_("Тариф"))
class Account(Timestamps, Model):
    __tablename__ = "account"
    __table_args__ = (enum_check("billing_period", TariffPeriod), non_negative("price"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    plan_name: Mapped[str] = mapped_column(String(100), nullable=False, default="Базовый")
    billing_period: Mapped[str] = enum_column(TariffPeriod, default=TariffPeriod.MONTHLY.value)
    price: Mapped[Decimal] = money_column()
    paid_until: Mapped[Optional[dt.date]] = mapped_column(Date)

    def __str__(self):
        return self.name
