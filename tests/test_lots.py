"""Lots of the listing feeds (SPEC §3): per room, a floor as one record, what is left out."""
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

from app.domain import feeds
from app.domain.lots import lots
from app.models import Agreement, Building, Floor
from tests import factories

_ids = iter(range(1, 10_000))


def floor(mode="single", rooms=(), in_feed=True, building=None, section=None, number=2):
    building = building or NS(id=next(_ids), description="Бизнес-центр у метро")
    made = NS(id=next(_ids), number=number, feed_mode=mode, in_feed=in_feed, building=building, building_id=building.id,
              section=section, rooms=[])
    for number_, kind, area in rooms:
        made.rooms.append(NS(id=next(_ids), number=number_, kind=kind, area=Decimal(area), rent_rate=Decimal("12000"),
                             description=None))
    return made


SPEC_ROOMS = [("101", "office", "50"), ("102", "office", "75"), ("103", "warehouse", "100"), ("104", "warehouse", "150")]


def test_the_spec_example_single_mode_all_free_two_types():
    found = lots([floor(rooms=SPEC_ROOMS)], occupied=set())
    assert [(lot.kind, lot.area) for lot in found] == [("office", Decimal("125")), ("warehouse", Decimal("250"))]
    assert found[0].yearly_rent == Decimal("125") * 12000 and found[0].rooms == ("101", "102")


def test_a_whole_free_floor_of_one_type_includes_the_service_area():
    found = lots([floor(rooms=[("1", "office", "50"), ("2", "office", "70"), ("WC", "service", "12")])], set())
    assert len(found) == 1 and found[0].area == Decimal("132") and found[0].whole_floor
    assert found[0].yearly_rent == Decimal("120") * 12000  # the service area is offered, not priced


def test_one_occupied_room_leaves_the_service_area_out():
    f = floor(rooms=[("1", "office", "50"), ("2", "office", "70"), ("WC", "service", "12")])
    found = lots([f], occupied={f.rooms[0].id})
    assert [(lot.area, lot.rooms, lot.whole_floor) for lot in found] == [(Decimal("70"), ("2",), False)]


def test_per_room_mode_gives_each_free_non_service_room_and_mixed_types():
    f = floor(mode="per_room", rooms=SPEC_ROOMS + [("WC", "service", "10")])
    found = lots([f], occupied={f.rooms[1].id})
    assert [(lot.rooms, lot.kind) for lot in found] == [(("101",), "office"), (("103",), "warehouse"), (("104",), "warehouse")]
    assert len({lot.external_id for lot in found}) == 3


def test_external_ids_stay_the_same_while_the_lot_exists():
    f = floor(rooms=SPEC_ROOMS)
    before = {lot.kind: lot.external_id for lot in lots([f], set())}
    after = {lot.kind: lot.external_id for lot in lots([f], {f.rooms[0].id})}  # office 101 let: the office lot shrinks
    assert before == after == {"office": f"floor-{f.id}-office", "warehouse": f"floor-{f.id}-warehouse"}


def test_a_floor_or_building_not_selected_gives_nothing():
    off = floor(rooms=SPEC_ROOMS, in_feed=False)
    elsewhere = floor(rooms=SPEC_ROOMS)
    assert lots([off], set()) == []
    assert lots([elsewhere], set(), building_ids={elsewhere.building_id + 1}) == []
    assert len(lots([elsewhere], set(), building_ids={elsewhere.building_id})) == 2


def test_a_floor_with_only_service_rooms_free_has_no_lot():
    f = floor(rooms=[("1", "office", "50"), ("WC", "service", "12")])
    assert lots([f], occupied={f.rooms[0].id}) == []


def test_the_description_is_the_sections_else_the_buildings():
    building = NS(id=next(_ids), description="Описание здания")
    plain = lots([floor(rooms=SPEC_ROOMS[:1], building=building)], set())[0]
    own = lots([floor(rooms=SPEC_ROOMS[:1], building=building, section=NS(description="Секция Б: склады"))], set())[0]
    assert (plain.description, own.description) == ("Описание здания", "Секция Б: склады")


def test_a_room_freed_by_early_termination_is_a_lot_from_that_day(session, today):
    building = Building(name="БЦ Север", description="Офисы класса B", floors_count=5)
    level = Floor(building=building, number=3, in_feed=True, feed_mode="per_room")
    session.add(level)
    room = factories.room(session, floor=level, number="305")
    contract = factories.contract(session, rooms=[room], start_date=today - timedelta(days=60),
                                  end_date=today + timedelta(days=300))
    session.add(Agreement(contract=contract, number="1", date=today - timedelta(days=10), start_date=today + timedelta(days=1),
                          terminates=True))
    session.flush()
    assert feeds.listings(session, today, "http://x") == []  # let today
    found = feeds.listings(session, today + timedelta(days=1), "http://x")
    assert [item.lot.external_id for item in found] == [f"room-{room.id}"]


def test_a_room_let_from_next_month_is_free_today(session, today):
    level = Floor(building=Building(name="Склад Юг"), number=1, in_feed=True, feed_mode="per_room")
    session.add(level)
    room = factories.room(session, floor=level, number="1")
    factories.contract(session, rooms=[room], start_date=today + timedelta(days=31), end_date=today + timedelta(days=400))
    assert [item.lot.room_ids for item in feeds.listings(session, today, "http://x")] == [(room.id,)]
    assert feeds.listings(session, today + timedelta(days=31), "http://x") == []
