"""Inquiries sent through the public site's feedback form (SPEC §5), with the staff's status."""
from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, enum_check, enum_column
from app.timeutil import utcnow
from app.vocabulary.enums import InquiryStatus


class Inquiry(Model):
    __tablename__ = "inquiry"
    __table_args__ = (
        enum_check("status", InquiryStatus),
        Index("ix_inquiry_address_created", "address", "created"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[Optional[int]] = mapped_column(ForeignKey("building.id", ondelete="SET NULL"), index=True)
    section_id: Mapped[Optional[int]] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(30))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = enum_column(InquiryStatus, default=InquiryStatus.NEW.value)
    address: Mapped[str] = mapped_column(String(64), nullable=False, default="")  # the sender's IP, for the rate limit
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    building = relationship("Building")
    section = relationship("Section")

    def __str__(self):
        return f"Заявка №{self.id} — {self.name}"
