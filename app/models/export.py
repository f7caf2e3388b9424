"""Exports made to 1C: the history of the «Экспорт в 1С» page and of the scheduled export."""
import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, Timestamps


class ExportRun(Timestamps, Model):
    """One export file: who made it (none: the schedule), for which executor and period, what it
    carried (`counts`, JSON per kind), its size; the file itself is kept under the instance
    folder (`stored_name`) to be downloaded again. A scheduled export has a `schedule_key`
    (periodicity, period, executor), unique: a period is exported once however often the job runs."""

    __tablename__ = "export_run"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_end_not_before_start"),
        CheckConstraint("size >= 0", name="size_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    executor_id: Mapped[int] = mapped_column(ForeignKey("counterparty.id"), nullable=False, index=True)
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    counts: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(100), nullable=False)
    schedule_key: Mapped[Optional[str]] = mapped_column(String(100), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(255))  # where the scheduled export was sent

    user = relationship("User")
    executor = relationship("Counterparty")

    def __str__(self):
        return self.filename
