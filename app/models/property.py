"""Property: buildings (with photos), sections, floors and rooms."""
from decimal import Decimal
from typing import Optional

from flask_appbuilder.models.mixins import ImageColumn
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.vocabulary.enums import FeedMode, RoomKind
from app.models.base import AREA, MONEY, Model, enum_check, enum_column, non_negative


class Building(Model):
    __tablename__ = "building"
    __table_args__ = (CheckConstraint("floors_count IS NULL OR floors_count > 0", name="floors_count_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    address: Mapped[Optional[str]] = mapped_column(Text)
    description: Mapped[Optional[str]] = mapped_column(Text)
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    floors_count: Mapped[Optional[int]] = mapped_column(Integer)

    manager = relationship("User", foreign_keys=[manager_id])
    sections = relationship("Section", back_populates="building", cascade="all, delete-orphan")
    floors = relationship("Floor", back_populates="building", cascade="all, delete-orphan", order_by="Floor.number")
    photos = relationship("BuildingPhoto", back_populates="building", cascade="all, delete-orphan")

    def __str__(self):
        return self.name


class BuildingPhoto(Model):
    __tablename__ = "building_photo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"), nullable=False, index=True)
    photo = mapped_column(ImageColumn(size=(1600, 1200, True), thumbnail_size=(320, 240, True)), nullable=False)
    caption: Mapped[Optional[str]] = mapped_column(String(255))

    building = relationship("Building", back_populates="photos")

    def __str__(self):
        return self.caption or f"#{self.id}"


class Section(Model):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("building_id", "name", name="uq_section_building_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    building = relationship("Building", back_populates="sections")
    manager = relationship("User", foreign_keys=[manager_id])
    floors = relationship("Floor", back_populates="section")

    def __str__(self):
        return f"{self.building.name if self.building else ''} / {self.name}"


class Floor(Model):
    __tablename__ = "floor"
    __table_args__ = (
        UniqueConstraint("building_id", "section_id", "number", name="uq_floor_place_number"),
        enum_check("feed_mode", FeedMode),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"), nullable=False, index=True)
    section_id: Mapped[Optional[int]] = mapped_column(ForeignKey("section.id", ondelete="SET NULL"), index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    in_feed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    feed_mode: Mapped[str] = enum_column(FeedMode, default=FeedMode.PER_ROOM.value)

    building = relationship("Building", back_populates="floors")
    section = relationship("Section", back_populates="floors")
    rooms = relationship("Room", back_populates="floor", cascade="all, delete-orphan", order_by="Room.number")

    def __str__(self):
        place = self.building.name if self.building else ""
        if self.section is not None:
            place = f"{place} / {self.section.name}"
        return f"{place}, этаж {self.number}"


class Room(Model):
    __tablename__ = "room"
    __table_args__ = (
        UniqueConstraint("floor_id", "number", name="uq_room_floor_number"),
        enum_check("kind", RoomKind),
        CheckConstraint("area > 0", name="area_positive"),
        non_negative("rent_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floor.id", ondelete="CASCADE"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(50), nullable=False)
    kind: Mapped[str] = enum_column(RoomKind, default=RoomKind.OFFICE.value)
    area: Mapped[Decimal] = mapped_column(AREA, nullable=False)
    rent_rate: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0.00"))  # RUB per m² per year
    description: Mapped[Optional[str]] = mapped_column(Text)

    floor = relationship("Floor", back_populates="rooms")

    def __str__(self):
        return f"{self.floor} — {self.number}" if self.floor else self.number
