"""Which rooms are occupied on a date: an active contract in force that day lets them, with
the terms its agreements set by then (new rooms, a new end date, early termination)."""
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from app.bulk import where_in
from app.domain.contracts import in_force_on, room_ids_in_force
from app.domain.enums import ACTIVE_CONTRACT, RoomKind
from app.models import Agreement, AgreementRoom, Contract, ContractRoom, Floor, Room


def occupied_room_ids(session, on, room_ids=None):
    """Ids of rooms occupied on `on` (restricted to `room_ids` when given)."""
    wanted = None if room_ids is None else list(room_ids)
    if wanted == []:
        return set()
    own = select(ContractRoom.id).where(ContractRoom.contract_id == Contract.id)
    by_agreement = select(AgreementRoom.id).join(Agreement).where(Agreement.contract_id == Contract.id)
    plain = (select(ContractRoom.room_id).join(Contract, Contract.id == ContractRoom.contract_id)
             .where(Contract.status.in_(ACTIVE_CONTRACT), Contract.start_date <= on,
                    or_(Contract.end_date.is_(None), Contract.end_date >= on), ~exists(_agreements())))
    if wanted is not None:
        # One array parameter on PostgreSQL: thousands of rooms (a feed) cost no IN list of binds.
        own = own.where(or_(*where_in(session, ContractRoom.room_id, wanted)))
        by_agreement = by_agreement.where(or_(*where_in(session, AgreementRoom.room_id, wanted)))
        plain = plain.where(or_(*where_in(session, ContractRoom.room_id, wanted)))
    # A contract without agreements lets its own rooms for its own term: that is SQL (the start
    # page counts 20,000 contracts). With agreements, the candidates come from SQL (active,
    # started, letting one of the rooms now or by an agreement) and the terms in force on the
    # day are the domain's, in Python.
    occupied = set(session.scalars(plain))
    candidates = session.scalars(
        select(Contract)
        .where(Contract.status.in_(ACTIVE_CONTRACT), Contract.start_date <= on, exists(_agreements()),
               or_(exists(own), exists(by_agreement)))
        .options(selectinload(Contract.rooms), selectinload(Contract.agreements).selectinload(Agreement.rooms))
    ).all()
    for contract in candidates:
        if in_force_on(contract, on):
            occupied |= room_ids_in_force(contract, on)
    return occupied if wanted is None else occupied & set(wanted)


def _agreements():
    return select(Agreement.id).where(Agreement.contract_id == Contract.id)


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

