"""The Bank of Russia key rates the Owner adds in settings, on top of the history shipped as
data (app/domain/data/key_rates.csv, read by app.domain.penalties)."""
import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date
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
