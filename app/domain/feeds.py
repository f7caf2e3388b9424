"""The listing feeds' settings and data: secret tokens, the buildings selected, the site's
phone and base URL, and the loading of what the feeds and the public site show.

Tokens are `Setting` rows (`feeds.<kind>.token`): regenerating one replaces the row, so the old
URL answers 404 at the next request. Paths are spelled here once (`feed_path`, `photo_path`)
for the routes (app.web), the settings page and the CLI.
"""
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain import lots as lot_rules
from app.domain import settings
from app.domain.occupancy import occupied_room_ids
from app.models import Agreement, AgreementRoom, Building, BuildingPhoto, Contract, ContractRoom, Floor, Room, Section, Setting, User

FEEDS = ("cian", "avito", "yandex")
FEED_LABELS = {"cian": "ЦИАН", "avito": "Авито", "yandex": "Яндекс Недвижимость"}
BUILDINGS_KEY = "feeds.building_ids"
PHONE_KEY = "site.phone"
MANAGER_PHONES_KEY = "feeds.manager_phones"  # {"<user id>": "phone"}: the responsible manager's phone in the listings
BASE_URL_KEY = "site.base_url"
STATE_KEY = "feeds.{kind}.state"
TOPIC = "feeds"  # the change stamp (app.domain.changes) of what the feeds read
# What the feeds read, by model: None for every column, else the columns that matter (whether a
# contract lets its rooms on a day, not its comment; a manager's email, not the sign-in counters).
WATCHED = {Building: None, BuildingPhoto: None, Section: None, Floor: None, Room: None, ContractRoom: None,
           Agreement: None, AgreementRoom: None, Contract: frozenset({"status", "start_date", "end_date", "end_in_force"}),
           User: frozenset({"email"})}


def affects_feeds(obj, changed=None):
    """Whether saving `obj` can change what a feed says: `changed` is the set of columns an update
    changed (None for an insert or a delete)."""
    if isinstance(obj, Setting):
        return obj.key in (BUILDINGS_KEY, PHONE_KEY, MANAGER_PHONES_KEY, BASE_URL_KEY)
    columns = next((WATCHED[cls] for cls in type(obj).__mro__ if cls in WATCHED), False)
    if columns is False:
        return False
    return columns is None or changed is None or bool(columns & changed)


class UnknownFeed(LookupError):
    pass


def _token_key(kind):
    if kind not in FEEDS:
        raise UnknownFeed(kind)
    return f"feeds.{kind}.token"


def token(session, kind):
    """The feed's secret token, made on first use."""
    value = settings.get(session, _token_key(kind))
    if value is None:
        value = regenerate(session, kind)
    return value


def regenerate(session, kind):
    """A new secret token for the feed: the old URL stops working at once."""
    value = secrets.token_urlsafe(24)
    settings.put(session, _token_key(kind), value)
    return value


def has_token(session, kind):
    """Whether the feed's URL was ever made (its token exists): a portal may poll it."""
    return settings.get(session, _token_key(kind)) is not None


def token_matches(session, kind, candidate):
    """Whether `candidate` is the feed's current token (compared in constant time; never made here)."""
    if kind not in FEEDS:
        return False
    value = settings.get(session, _token_key(kind))
    return value is not None and hmac.compare_digest(value.encode(), (candidate or "").encode())


def feed_path(kind, value):
    return f"/feeds/{kind}/{value}.xml"


def photo_path(photo_id):
    return f"/site/photos/{photo_id}"


def secret_urls(session, base):
    """The URLs to paste into the portals (`integrations urls`, the settings page); amoCRM's
    webhook is not built yet: null."""
    found = {f"{kind}_feed": base + feed_path(kind, token(session, kind)) for kind in FEEDS}
    found["amocrm_webhook"] = None
    return found


def selected_building_ids(session):
    """The buildings chosen for the feeds and the site; None when nothing was chosen (= all)."""
    value = settings.get(session, BUILDINGS_KEY)
    return None if value is None else set(json.loads(value))


def select_buildings(session, ids):
    settings.put(session, BUILDINGS_KEY, json.dumps(sorted(int(i) for i in ids)))


def phone(session):
    return settings.get(session, PHONE_KEY)


def manager_phones(session):
    """{user id: phone} as saved on the settings page."""
    value = settings.get(session, MANAGER_PHONES_KEY)
    return {int(key): text for key, text in json.loads(value).items()} if value else {}


def save_manager_phones(session, phones):
    settings.put(session, MANAGER_PHONES_KEY, json.dumps({str(k): v for k, v in sorted(phones.items()) if v}) if any(phones.values()) else None)


def managers(session):
    """The staff in charge of a building or a section (whose phone the listings may give)."""
    ids = set(session.scalars(select(Building.manager_id).where(Building.manager_id.is_not(None))))
    ids |= set(session.scalars(select(Section.manager_id).where(Section.manager_id.is_not(None))))
    return session.scalars(select(User).where(User.id.in_(ids)).order_by(User.last_name, User.first_name)).all() if ids else []


PHONE_DIGITS = re.compile(r"\d")


def phone_problem(value):
    """A Russian phone number: 10 digits after +7 / 8 (spaces, brackets and dashes allowed)."""
    if not value:
        return None
    digits = "".join(PHONE_DIGITS.findall(value))
    if re.search(r"[^\d\s()+\-]", value) or not (len(digits) == 10 or (len(digits) == 11 and digits[0] in "78")):
        return "Телефон: укажите 10 цифр номера, например +7 495 123-45-67"
    return None


def phone_digits(value):
    """The 10 digits after the country code, or None."""
    digits = "".join(PHONE_DIGITS.findall(value or ""))
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    return digits if len(digits) == 10 else None


def base_url(session, default):
    return (settings.get(session, BASE_URL_KEY) or default or "").rstrip("/")


@dataclass(frozen=True)
class Listing:
    """A lot with what every feed says about it beside the lot itself."""

    lot: lot_rules.Lot
    building_name: str
    address: str
    floors_count: int
    floor_number: int
    phone: str | None  # 10 digits: the responsible manager's (section's, else building's), else the site's
    manager_email: str | None
    photos: tuple = field(default_factory=tuple)  # absolute URLs


@dataclass
class _FeedFloor:
    """A floor as the lots rule reads it; its rooms are plain rows (thousands of them: no ORM objects)."""

    id: int
    number: int
    feed_mode: str
    in_feed: bool
    building_id: int
    building: Building
    section: Section | None
    rooms: list


def _floors(session, building_ids=None):
    query = (
        select(Floor).where(Floor.in_feed.is_(True))
        .options(selectinload(Floor.section).selectinload(Section.manager),
                 selectinload(Floor.building).selectinload(Building.manager),
                 selectinload(Floor.building).selectinload(Building.floors))  # floors count when not entered
    )
    if building_ids is not None:
        query = query.where(Floor.building_id.in_(building_ids))
    floors = {floor.id: _FeedFloor(floor.id, floor.number, floor.feed_mode, floor.in_feed, floor.building_id, floor.building,
                                   floor.section, []) for floor in session.scalars(query)}
    rooms = select(Room.id, Room.floor_id, Room.number, Room.kind, Room.area, Room.rent_rate).join(Floor).where(Floor.in_feed.is_(True))
    if building_ids is not None:
        rooms = rooms.where(Floor.building_id.in_(building_ids))
    for room in session.execute(rooms):
        if room.floor_id in floors:
            floors[room.floor_id].rooms.append(room)
    return list(floors.values())


def _occupied(session, day, floors):
    room_ids = [room.id for floor in floors for room in floor.rooms]
    return occupied_room_ids(session, day, room_ids) if room_ids else set()


def photo_urls(session, building_ids, base):
    urls = {}
    for photo_id, building_id in session.execute(
        select(BuildingPhoto.id, BuildingPhoto.building_id).where(BuildingPhoto.building_id.in_(building_ids)).order_by(BuildingPhoto.id)
    ):
        urls.setdefault(building_id, []).append(base + photo_path(photo_id))
    return urls


def listings(session, day, base):
    """What the feeds offer on `day`: the lots of the selected floors, with building, phone and photos."""
    chosen = selected_building_ids(session)
    floors = _floors(session, chosen)
    found = lot_rules.lots(floors, _occupied(session, day, floors), chosen)
    photos = photo_urls(session, {lot.floor.building_id for lot in found}, base)
    number = phone_digits(phone(session))
    own = {user_id: phone_digits(text) for user_id, text in manager_phones(session).items()}
    per_floor = {}
    for floor in floors:  # what a listing says besides its lot, once per floor
        building, section = floor.building, floor.section
        manager = section.manager if section is not None and section.manager is not None else building.manager
        floors_count = building.floors_count or max((f.number for f in building.floors), default=floor.number)
        per_floor[floor.id] = dict(
            building_name=building.name, address=building.address or building.name,
            floors_count=max(floors_count, floor.number), floor_number=floor.number,
            phone=own.get(getattr(manager, "id", None)) or number, manager_email=getattr(manager, "email", None),
            photos=tuple(photos.get(building.id, ())),
        )
    return [Listing(lot=lot, **per_floor[lot.floor.id]) for lot in found]


def fingerprint(kind, found):
    """An ETag of what the feed says (not of when it was generated)."""
    parts = [kind] + [repr((item.lot.external_id, item.lot.kind, item.lot.area, item.lot.yearly_rent, item.lot.description,
                            item.lot.rooms, item.address, item.building_name, item.floors_count, item.phone, item.photos))
                      for item in found]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def changed_at(session, kind, etag, now):
    """When the feed last changed: the stored moment while its ETag stays the same, else `now`
    (stored; the caller commits). Returns (moment, stored_anew)."""
    key = STATE_KEY.format(kind=kind)
    stored = settings.get(session, key)
    if stored:
        state = json.loads(stored)
        if state.get("etag") == etag:
            return datetime.fromisoformat(state["at"]), False
    moment = now.replace(microsecond=0)
    settings.put(session, key, json.dumps({"etag": etag, "at": moment.isoformat()}))
    return moment, True


@dataclass(frozen=True)
class SiteRoom:
    room: Room
    floor: Floor


def site_buildings(session, day, base):
    """The public site: the selected buildings (all when none chosen) with their free lettable
    rooms, sections and photo URLs: [(building, [SiteRoom], [photo url])]."""
    chosen = selected_building_ids(session)
    query = select(Building).order_by(Building.name).options(
        selectinload(Building.floors).selectinload(Floor.rooms), selectinload(Building.sections),
        selectinload(Building.floors).selectinload(Floor.section),
    )
    if chosen is not None:
        query = query.where(Building.id.in_(chosen))
    buildings = session.scalars(query).all()
    all_rooms = [room for b in buildings for f in b.floors for room in f.rooms if room.kind != lot_rules.SERVICE]
    busy = occupied_room_ids(session, day, [room.id for room in all_rooms]) if all_rooms else set()
    photos = photo_urls(session, [b.id for b in buildings], base)
    result = []
    for building in buildings:
        free = [SiteRoom(room, floor) for floor in building.floors for room in floor.rooms
                if room.kind != lot_rules.SERVICE and room.id not in busy]
        result.append((building, free, photos.get(building.id, [])))
    return result
