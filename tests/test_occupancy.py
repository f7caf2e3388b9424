"""A room is occupied on a day when an active contract in force that day lets it, with the
terms its agreements set by then."""
from datetime import date
from decimal import Decimal

from app.domain.occupancy import occupied_room_ids
from app.models import Agreement, AgreementRoom
from tests import factories

DAY = date(2026, 6, 15)


def test_dates_and_status_decide(session):
    let, ended, draft, future = (factories.room(session) for _ in range(4))
    factories.contract(session, rooms=[let], start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    factories.contract(session, rooms=[ended], start_date=date(2026, 1, 1), end_date=date(2026, 6, 14))
    factories.contract(session, rooms=[draft], status="draft", start_date=date(2026, 1, 1), end_date=None)
    factories.contract(session, rooms=[future], start_date=date(2026, 6, 16), end_date=None)
    assert occupied_room_ids(session, DAY, [let.id, ended.id, draft.id, future.id]) == {let.id}
    assert occupied_room_ids(session, date(2026, 6, 14), [ended.id]) == {ended.id}


def test_early_termination_frees_the_room_from_the_agreement_start(session):
    room = factories.room(session)
    contract = factories.contract(session, rooms=[room], start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    session.add(Agreement(contract=contract, number="1", date=date(2026, 5, 1), start_date=DAY, terminates=True))
    session.flush()
    assert occupied_room_ids(session, date(2026, 6, 14), [room.id]) == {room.id}
    assert occupied_room_ids(session, DAY, [room.id]) == set()


def test_extension_keeps_the_room_after_the_original_end(session):
    room = factories.room(session)
    contract = factories.contract(session, rooms=[room], start_date=date(2026, 1, 1), end_date=date(2026, 5, 31))
    session.add(Agreement(contract=contract, number="1", date=date(2026, 5, 1), start_date=date(2026, 6, 1),
                          new_end_date=date(2026, 12, 31)))
    session.flush()
    assert occupied_room_ids(session, DAY, [room.id]) == {room.id}


def test_agreement_moving_to_other_rooms(session):
    old, new = factories.room(session), factories.room(session)
    contract = factories.contract(session, rooms=[old], start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    agreement = Agreement(contract=contract, number="1", date=date(2026, 5, 1), start_date=DAY)
    agreement.rooms.append(AgreementRoom(room=new, area=Decimal("40"), rate=Decimal("20000")))
    session.add(agreement)
    session.flush()
    assert occupied_room_ids(session, date(2026, 6, 14), [old.id, new.id]) == {old.id}
    assert occupied_room_ids(session, DAY, [old.id, new.id]) == {new.id}
