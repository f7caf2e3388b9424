"""Lots of the listing feeds (SPEC §3): which free space of the selected floors is offered, and how.

A pure function: it takes floors (with their rooms, section and building, as loaded by the caller)
and the ids of the rooms occupied on the day (`occupancy.occupied_room_ids`), and returns lots.
- `per_room`: each free, non-service room is one lot;
- `single`: the floor's free space in one record per room type; when every room of the floor is
  free and the lettable rooms are of one type, the lot takes the service rooms' area too (the
  whole floor is offered).
A lot's description is its section's, else its building's. Its `external_id` is derived from the
floor or room id and the mode, so the same lot keeps it while it exists (CIAN updates, not re-creates).
"""
from dataclasses import dataclass
from decimal import Decimal

from app.vocabulary.enums import FeedMode, RoomKind

SERVICE = RoomKind.SERVICE.value


@dataclass(frozen=True)
class Lot:
    external_id: str
    floor: object  # the floor it is on (building, section, number)
    kind: str  # RoomKind value (never service)
    room_ids: tuple
    rooms: tuple  # room numbers, for the title
    area: Decimal  # m², service area included for a whole floor
    yearly_rent: Decimal  # RUB per year: the lettable rooms' area × their asking rent (per m² per year)
    description: str | None
    whole_floor: bool = False

    @property
    def rate(self):
        """Asking rent per m² per year over the lot's area."""
        return (self.yearly_rent / self.area).quantize(Decimal("0.01")) if self.area else Decimal("0.00")

    @property
    def monthly_rent(self):
        return (self.yearly_rent / 12).quantize(Decimal("1"))


def description_of(floor):
    section = getattr(floor, "section", None)
    if section is not None and (section.description or "").strip():
        return section.description.strip()
    building = floor.building
    return (building.description or "").strip() or None


def _lot(external_id, floor, kind, rooms, extra_area=Decimal("0"), whole=False):
    area = sum((room.area for room in rooms), Decimal("0")) + extra_area
    return Lot(
        external_id=external_id, floor=floor, kind=kind, room_ids=tuple(room.id for room in rooms),
        rooms=tuple(str(room.number) for room in rooms), area=area,
        yearly_rent=sum((room.area * room.rent_rate for room in rooms), Decimal("0")),
        description=description_of(floor), whole_floor=whole,
    )


def floor_lots(floor, occupied):
    """The lots of one floor, whatever its selection."""
    rooms = sorted(floor.rooms, key=lambda room: (str(room.number), room.id))
    lettable = [room for room in rooms if room.kind != SERVICE]
    free = [room for room in lettable if room.id not in occupied]
    if not free:
        return []
    if floor.feed_mode != FeedMode.SINGLE.value:
        return [_lot(f"room-{room.id}", floor, room.kind, [room]) for room in free]
    kinds = sorted({room.kind for room in free})
    if len(free) == len(lettable) and len(kinds) == 1:
        service = sum((room.area for room in rooms if room.kind == SERVICE), Decimal("0"))
        return [_lot(f"floor-{floor.id}-{kinds[0]}", floor, kinds[0], free, service, whole=True)]
    return [_lot(f"floor-{floor.id}-{kind}", floor, kind, [room for room in free if room.kind == kind]) for kind in kinds]


def lots(floors, occupied, building_ids=None):
    """The lots of the floors in the feed: the floor ticked `in_feed`, its building selected
    (`building_ids`; None = every building), its free rooms per its mode."""
    occupied = set(occupied)
    result = []
    for floor in sorted(floors, key=lambda f: (f.building_id, f.number, f.id)):
        if not floor.in_feed or (building_ids is not None and floor.building_id not in building_ids):
            continue
        result.extend(floor_lots(floor, occupied))
    return result
