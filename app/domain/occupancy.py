"""Which rooms are occupied on a date: an active contract covering that date includes them."""
from sqlalchemy import and_, or_, select

from app.domain.enums import ACTIVE_CONTRACT, RoomKind
from app.models import Contract, ContractRoom, Floor, Room


def contract_covers(on):
    """The contract is active and its term includes the day `on`."""
    return and_(
        Contract.status.in_(ACTIVE_CONTRACT),
        Contract.start_date <= on,
        or_(Contract.end_date.is_(None), Contract.end_date >= on),
    )


def occupied_room_ids(session, on, room_ids=None):
    """Ids of rooms occupied on `on` (restricted to `room_ids` when given)."""
    query = select(ContractRoom.room_id).join(Contract, Contract.id == ContractRoom.contract_id).where(contract_covers(on))
    if room_ids is not None:
        query = query.where(ContractRoom.room_id.in_(list(room_ids)))
    return set(session.scalars(query))


def building_occupancy(session, building_id, on):
    """Rooms of a building with their occupancy, ordered by floor and number:
    [(floor, room, occupied)] (occupied is None for service rooms, never let on their own),
    plus area totals {"free": .., "occupied": ..} of lettable rooms."""
    rooms = session.execute(
        select(Floor, Room).join(Room, Room.floor_id == Floor.id).where(Floor.building_id == building_id).order_by(Floor.number, Room.number)
    ).all()
    occupied = occupied_room_ids(session, on, [room.id for _, room in rooms])
    rows, totals = [], {"free": 0, "occupied": 0}
    for floor, room in rooms:
        busy = None if room.kind == RoomKind.SERVICE.value else room.id in occupied
        rows.append((floor, room, busy))
        if busy is not None:
            totals["occupied" if busy else "free"] += room.area
    return rows, totals

