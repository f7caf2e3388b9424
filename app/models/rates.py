"""The Bank of Russia key rates the Owner adds in settings, on top of the history shipped as
data (app/domain/data/key_rates.csv, read by app.domain.penalties); the yearly consumer price
index Rosstat publishes, entered in settings for rent indexation (app.domain.indexation)."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.models.audit import audited
from app.models.base import PERCENT, Model, Timestamps
from app.vocabulary.enums import N_


@audited(N_("Ключевая ставка"))
class KeyRate(Timestamps, Model):
    """The key rate in force from `start_date` (until the next one), percent per year."""

    __tablename__ = "key_rate"
    __table_args__ = (CheckConstraint("rate >= 0 AND rate < 100", name="rate_range"),)

    start_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rate: Mapped[Decimal] = mapped_column(PERCENT, nullable=False)

    def __str__(self):
        return f"{self.rate} % с {self.start_date:%d.%m.%Y}"


@audited(N_("Индекс потребительских цен"))
class CpiIndex(Timestamps, Model):
    """Rosstat's consumer price index of a year (December over December), as a percent rise:
    7.5 means prices rose 7.5 %. Contracts indexed by CPI in a year use the previous year's."""

    __tablename__ = "cpi_index"
    __table_args__ = (CheckConstraint("percent > -100 AND percent < 1000", name="percent_range"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    percent: Mapped[Decimal] = mapped_column(PERCENT, nullable=False)

    def __str__(self):
        return f"{self.year}: {self.percent} %"
