"""The listing feeds: every required field of FORMATS.md §D on every lot, the secret token,
ETag / Last-Modified with 304, the CLI (`feed cian`, `integrations urls`)."""
import json
from decimal import Decimal

import pytest
from lxml import etree

from app.domain import feeds, settings
from app.models import Building, BuildingPhoto, Floor, Room, Section, Setting
from tests import factories

CIAN_CATEGORIES = {"officeRent", "warehouseRent", "shoppingAreaRent", "industryRent", "freeAppointmentObjectRent"}
YA = "{http://webmaster.yandex.ru/schemas/feed/realty/2010-06}"


@pytest.fixture()
def property_(session, app):
    """Two buildings: offices per room (one let), a whole warehouse floor, retail and ПСН, a production floor."""
    north = Building(name="БЦ «Север»", address="Москва, ул. Профсоюзная, 65к1", description="Бизнес-центр класса B у метро",
                     floors_count=9)
    south = Building(name="Склад Юг", address="Москва, Каширское ш., 10")
    section = Section(building=south, name="Б", description="Секция Б: склады с пандусом")
    offices = Floor(building=north, number=3, in_feed=True, feed_mode="per_room")
    hall = Floor(building=north, number=1, in_feed=True, feed_mode="per_room")
    stores = Floor(building=south, section=section, number=1, in_feed=True, feed_mode="single")
    works = Floor(building=south, number=2, in_feed=True, feed_mode="single")
    hidden = Floor(building=north, number=4, in_feed=False)
    session.add_all([north, south, section, offices, hall, stores, works, hidden])
    rooms = {
        "301": Room(floor=offices, number="301", kind="office", area=Decimal("45"), rent_rate=Decimal("24000")),
        "302": Room(floor=offices, number="302", kind="office", area=Decimal("60"), rent_rate=Decimal("24000")),
        "101": Room(floor=hall, number="101", kind="retail", area=Decimal("80"), rent_rate=Decimal("36000")),
        "102": Room(floor=hall, number="102", kind="free_purpose", area=Decimal("30"), rent_rate=Decimal("30000")),
        "S1": Room(floor=stores, number="S1", kind="warehouse", area=Decimal("500"), rent_rate=Decimal("9000")),
        "S2": Room(floor=stores, number="S2", kind="service", area=Decimal("20"), rent_rate=Decimal("0")),
        "P1": Room(floor=works, number="P1", kind="production", area=Decimal("300"), rent_rate=Decimal("7000")),
        "401": Room(floor=hidden, number="401", kind="office", area=Decimal("50"), rent_rate=Decimal("24000")),
    }
    session.add_all(rooms.values())
    session.add_all([BuildingPhoto(building=north, photo="north.jpg"), BuildingPhoto(building=south, photo="south.jpg")])
    session.flush()
    factories.contract(session, rooms=[rooms["302"]], start_date=factories.date(2020, 1, 1), end_date=factories.date(2099, 1, 1))
    settings.put(session, feeds.PHONE_KEY, "+7 (495) 123-45-67")
    session.commit()
    return rooms


def _get(client, kind, session, **headers):
    token = feeds.token(session, kind)
    session.commit()
    return client.get(feeds.feed_path(kind, token), headers=headers)


def test_cian_feed_has_every_required_field_on_every_lot(client, session, property_):
    response = _get(client, "cian", session)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    assert root.tag == "feed" and root.findtext("feed_version") == "2"
    objects = root.findall("object")
    assert len(objects) == 5  # 301, 101, 102 per room; the warehouse floor whole; the production floor
    ids = [o.findtext("ExternalId") for o in objects]
    assert len(set(ids)) == len(ids) and f"room-{property_['302'].id}" not in ids and f"room-{property_['401'].id}" not in ids
    for item in objects:
        for path in ("ExternalId", "Category", "Description", "Address", "Phones/PhoneSchema/CountryCode",
                     "Phones/PhoneSchema/Number", "TotalArea", "FloorNumber", "Building/FloorsCount", "BargainTerms/Price",
                     "BargainTerms/PriceType", "BargainTerms/Currency", "BargainTerms/PaymentPeriod", "BargainTerms/VatType",
                     "BargainTerms/LeaseType", "Photos/PhotoSchema/FullUrl"):
            assert (item.findtext(path) or "").strip(), (item.findtext("ExternalId"), path)
        assert item.findtext("Category") in CIAN_CATEGORIES
        assert item.findtext("Phones/PhoneSchema/CountryCode") == "+7" and item.findtext("Phones/PhoneSchema/Number") == "4951234567"
        assert item.findtext("BargainTerms/Currency") in {"rur", "usd", "eur"}
        assert item.findtext("BargainTerms/PriceType") in {"all", "squareMeter"}
        assert item.findtext("BargainTerms/PaymentPeriod") in {"monthly", "annual"}
        assert item.findtext("BargainTerms/VatType") in {"included", "notIncluded", "usn"}
        assert item.findtext("BargainTerms/LeaseType") in {"direct", "sublease"}
        assert 15 <= len(item.findtext("Description")) <= 3000 and "&" not in item.findtext("Description")
        assert item.findtext("Photos/PhotoSchema/FullUrl").startswith("http://localhost/site/photos/")
        assert int(item.findtext("FloorNumber")) <= int(item.findtext("Building/FloorsCount"))
    by_id = {o.findtext("ExternalId"): o for o in objects}
    office = by_id[f"room-{property_['301'].id}"]
    assert office.findtext("Category") == "officeRent" and office.findtext("TotalArea") == "45.00"
    assert office.findtext("BargainTerms/Price") == "90000"  # 45 m² × 24 000 ₽ a year / 12
    assert "Бизнес-центр класса B" in office.findtext("Description")
    warehouse = by_id[f"floor-{property_['S1'].floor_id}-warehouse"]
    assert warehouse.findtext("TotalArea") == "520.00" and warehouse.findtext("Category") == "warehouseRent"
    assert "Секция Б: склады" in warehouse.findtext("Description")
    assert {o.findtext("Category") for o in objects} == CIAN_CATEGORIES


def test_avito_feed_has_every_field_on_every_ad(client, session, property_):
    root = etree.fromstring(_get(client, "avito", session).data)
    assert root.tag == "Ads" and root.get("formatVersion") == "3" and root.get("target") == "Avito.ru"
    ads = root.findall("Ad")
    assert len(ads) == 5
    for ad in ads:
        for path in ("Id", "ContactPhone", "ContactMethod", "Description", "Address", "Category", "Title", "Price",
                     "OperationType", "ObjectType", "PropertyRights", "Floor", "Square", "RentalType", "VAT"):
            assert (ad.findtext(path) or "").strip(), (ad.findtext("Id"), path)
        assert ad.find("Images/Image").get("url").startswith("http")
        assert ad.findtext("Category") == "Коммерческая недвижимость" and ad.findtext("OperationType") == "Сдам"
        assert ad.findtext("ObjectType") in {"Офисное помещение", "Торговое помещение", "Складское помещение",
                                             "Помещение свободного назначения", "Производственное помещение"}
        assert ad.findtext("RentalType") in {"Прямая", "Субаренда"} and ad.findtext("VAT") in {"Да", "Нет"}
        assert ad.findtext("ContactPhone") == "+74951234567"


def test_yandex_feed_has_every_field_on_every_offer(client, session, property_):
    root = etree.fromstring(_get(client, "yandex", session).data)
    assert root.tag == f"{YA}realty-feed" and root.findtext(f"{YA}generation-date")
    offers = root.findall(f"{YA}offer")
    assert len(offers) == 5
    for offer in offers:
        assert offer.get("internal-id")
        for path in ("type", "category", "commercial-type", "creation-date", "location/country", "location/address",
                     "sales-agent/phone", "sales-agent/category", "price/value", "price/currency", "price/period",
                     "deal-status", "area/value", "area/unit", "floor", "floors-total", "image", "description",
                     "taxation-form"):
            assert (offer.findtext("/".join(YA + p for p in path.split("/"))) or "").strip(), (offer.get("internal-id"), path)
        assert offer.findtext(f"{YA}type") == "аренда" and offer.findtext(f"{YA}category") == "коммерческая"
        assert offer.findtext(f"{YA}commercial-type") in {"office", "retail", "free purpose", "warehouse", "manufacturing"}
        assert offer.findtext(f"{YA}price/{YA}currency") == "RUB" and offer.findtext(f"{YA}deal-status") == "прямая аренда"


def test_unknown_token_or_feed_is_404_and_the_token_opens_nothing_else(client, session, property_):
    token = feeds.token(session, "cian")
    session.commit()
    assert client.get(feeds.feed_path("cian", token)).status_code == 200
    assert client.get(feeds.feed_path("cian", token[:-1] + ("y" if token.endswith("x") else "x"))).status_code == 404
    assert client.get(feeds.feed_path("avito", token)).status_code == 404  # one feed's token is not another's
    assert client.get(feeds.feed_path("rss", token)).status_code == 404
    assert client.get("/contractview/list/", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    assert client.get("/api/v1/room/", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_regenerating_the_token_stops_the_old_url_at_once(client, session, login_as, property_):
    old = feeds.token(session, "cian")
    session.commit()
    login_as("Owner")
    assert client.post("/feedsettings/regenerate/cian").status_code == 302
    new = feeds.token(session, "cian")
    assert new != old
    assert client.get(feeds.feed_path("cian", old)).status_code == 404
    assert client.get(feeds.feed_path("cian", new)).status_code == 200


def test_etag_and_last_modified_give_304_until_the_free_space_changes(client, session, property_):
    first = _get(client, "cian", session)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = _get(client, "cian", session, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert _get(client, "cian", session, **{"If-Modified-Since": modified}).status_code == 304
    factories.contract(session, rooms=[property_["301"]], start_date=factories.date(2020, 1, 1), end_date=factories.date(2099, 1, 1))
    session.commit()  # office 301 let: the feed changes at the next poll
    changed = _get(client, "cian", session, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert f"room-{property_['301'].id}".encode() not in changed.data


def test_the_photo_url_serves_the_building_photo(client, session, app, property_):
    from pathlib import Path

    folder = Path(app.config["IMG_UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "north.jpg").write_bytes(b"\xff\xd8\xff\xe0 fake jpeg")
    photo = session.query(Building).filter_by(name="БЦ «Север»").one().photos[0]
    assert client.get(feeds.photo_path(photo.id)).data.startswith(b"\xff\xd8")
    assert client.get(feeds.photo_path(photo.id + 1000)).status_code == 404
    assert client.get(feeds.photo_path(10**20)).status_code == 404


def test_cli_feed_cian_prints_the_feed_as_served(app, session, client, property_, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "cian.xml"
    result = runner.invoke(args=["feed", "cian", "-o", str(out)])
    assert result.exit_code == 0, result.output
    served = etree.fromstring(_get(client, "cian", session).data)
    written = etree.fromstring(out.read_bytes())
    assert [o.findtext("ExternalId") for o in written.findall("object")] == [o.findtext("ExternalId") for o in served.findall("object")]
    printed = runner.invoke(args=["feed", "cian"])
    assert printed.exit_code == 0 and b"<feed_version>2</feed_version>" in printed.stdout_bytes


def test_cli_integrations_urls_gives_the_secret_urls(app, session, client, property_, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://arenda.example.ru")
    result = app.test_cli_runner().invoke(args=["integrations", "urls"])
    assert result.exit_code == 0, result.output
    urls = json.loads(result.output)
    assert set(urls) == {"cian_feed", "avito_feed", "yandex_feed", "amocrm_webhook"}
    assert urls["cian_feed"].startswith("https://arenda.example.ru/feeds/cian/")
    assert client.get(urls["cian_feed"].removeprefix("https://arenda.example.ru")).status_code == 200
    assert urls["amocrm_webhook"].startswith("https://arenda.example.ru/hooks/amocrm/")
    assert client.post(urls["amocrm_webhook"].removeprefix("https://arenda.example.ru"), data={}).status_code == 200


def test_the_settings_page_chooses_buildings_floors_and_modes(client, session, login_as, property_):
    login_as("Owner")
    page = client.get("/feedsettings/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "XML-фиды" in text and "Копировать" in text and feeds.token(session, "cian") in text
    north = session.query(Building).filter_by(name="БЦ «Север»").one()
    offices = property_["301"].floor
    response = client.post("/feedsettings/save", data={"building": [north.id], "floor": [offices.id], f"mode-{offices.id}": "single",
                                                       "phone": "8 495 765-43-21", "base_url": "https://arenda.example.ru"})
    assert response.status_code == 302
    root = etree.fromstring(_get(client, "cian", session).data)
    objects = root.findall("object")
    assert [o.findtext("ExternalId") for o in objects] == [f"floor-{offices.id}-office"]  # only that floor, as one lot
    assert objects[0].findtext("Phones/PhoneSchema/Number") == "4957654321"
    assert objects[0].findtext("Photos/PhotoSchema/FullUrl").startswith("https://arenda.example.ru/site/photos/")
    refused = client.post("/feedsettings/save", data={"phone": "12", "base_url": ""}, follow_redirects=True)
    assert "Телефон: укажите 10 цифр" in refused.get_data(as_text=True)


def test_a_listing_gives_the_responsible_managers_phone_else_the_sites(client, session, login_as, app, property_):
    manager = app.appbuilder.sm.find_user(username="manager")
    south = session.query(Building).filter_by(name="Склад Юг").one()
    south.manager_id = manager.id
    session.commit()
    login_as("Owner")
    assert f'name="manager-phone-{manager.id}"' in client.get("/feedsettings/").get_data(as_text=True)
    floors = [f.id for f in session.query(Floor).filter_by(in_feed=True)]
    buildings = [b.id for b in session.query(Building)]
    client.post("/feedsettings/save", data={"building": buildings, "floor": floors, "phone": "+7 495 123-45-67", f"manager-phone-{manager.id}": "8 (916) 000-11-22"})
    phones = {o.findtext("Address"): o.findtext("Phones/PhoneSchema/Number")
              for o in etree.fromstring(_get(client, "cian", session).data).findall("object")}
    assert phones == {"Москва, Каширское ш., 10": "9160001122", "Москва, ул. Профсоюзная, 65к1": "4951234567"}
    refused = client.post("/feedsettings/save", data={"phone": "", f"manager-phone-{manager.id}": "звоните"}, follow_redirects=True)
    assert "Телефон: укажите 10 цифр" in refused.get_data(as_text=True)


def _area(body, room):
    lot = next(o for o in etree.fromstring(body).findall("object") if o.findtext("ExternalId") == f"room-{room.id}")
    return Decimal(lot.findtext("TotalArea"))


def _put_back(session, user, email, login_count):
    user = session.merge(user)
    user.email, user.login_count = email, login_count
    session.commit()


def test_the_feed_is_built_once_per_change_of_what_it_reads(client, session, app, property_, monkeypatch, api_token, request):
    """Pollers get the feed as kept until a room, a letting, a listed phone or a manager's email
    changes — through any door — and a change rolled back keeps it."""
    built = []
    real = feeds.listings
    monkeypatch.setattr(feeds, "listings", lambda *args: built.append(args) or real(*args))
    first = _get(client, "cian", session)
    polls = [_get(client, "cian", session), _get(client, "cian", session, **{"If-None-Match": first.headers["ETag"]})]
    assert len(built) == 1 and polls[0].data == first.data and polls[1].status_code == 304

    manager = app.appbuilder.sm.find_user(username="manager")  # staff rows outlive the test: put back below
    email, count = manager.email, manager.login_count
    request.addfinalizer(lambda: _put_back(session, manager, email, count))
    manager.login_count = (count or 0) + 1  # a sign-in says nothing a listing shows
    session.commit()
    _get(client, "cian", session)
    assert len(built) == 1

    room = property_["301"]
    room.area = Decimal("47")
    session.flush()
    session.rollback()  # not saved: the kept feed stays right
    assert _area(_get(client, "cian", session).data, room) == Decimal("45") and len(built) == 1

    headers = api_token("Owner")
    assert client.put(f"/api/v1/room/{room.id}", json={"area": "47"}, headers=headers).status_code == 200
    assert _area(_get(client, "cian", session).data, room) == Decimal("47") and len(built) == 2

    south = session.query(Building).filter_by(name="Склад Юг").one()
    south.manager_id = manager.id
    session.commit()
    _get(client, "cian", session)
    manager.email = "new-manager@example.ru"
    session.commit()
    emails = {o.findtext("Address"): o.findtext("SubAgent/Email")
              for o in etree.fromstring(_get(client, "cian", session).data).findall("object")}
    assert emails["Москва, Каширское ш., 10"] == "new-manager@example.ru" and len(built) == 4

    settings.put(session, feeds.PHONE_KEY, "+7 (495) 765-43-21")
    session.commit()
    assert b"4957654321" in _get(client, "cian", session).data and len(built) == 5


def test_the_kept_feed_follows_the_day(client, session, property_, today, monkeypatch):
    """A letting that ends today frees its room in tomorrow's feed, with nothing saved in between."""
    from datetime import timedelta

    from app import timeutil

    factories.contract(session, rooms=[property_["301"]], start_date=factories.date(2020, 1, 1), end_date=today)
    session.commit()
    freed = f"room-{property_['301'].id}".encode()
    assert freed not in _get(client, "cian", session).data
    monkeypatch.setattr(timeutil, "today", lambda: today + timedelta(days=1))
    monkeypatch.setattr("app.web.public.today", lambda: today + timedelta(days=1))
    assert freed in _get(client, "cian", session).data


def test_each_server_process_builds_the_polled_feeds_as_it_starts(client, session, app, property_, monkeypatch):
    """The first poll after a start is served from what the process built as it started — the feeds
    whose URL was handed out, where the address is set; not the others, nor anything without one."""
    from app.web import public

    built = []
    real = feeds.listings
    monkeypatch.setattr(feeds, "listings", lambda *args: built.append(args) or real(*args))
    cian, avito = feeds.token(session, "cian"), feeds.token(session, "avito")
    session.commit()
    session.query(Setting).filter_by(key="feeds.yandex.token").delete()
    session.commit()
    public.warm_feeds(app).join(60)
    assert built == []  # no address set: the links would take the poller's host

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://arenda.example.ru")
    public.warm_feeds(app).join(60)
    assert len(built) == 2 and all(base == "https://arenda.example.ru" for _, _, base in built)
    first = client.get(feeds.feed_path("cian", cian))
    assert first.status_code == 200 and b"https://arenda.example.ru/site/photos/" in first.data
    assert client.get(feeds.feed_path("avito", avito)).status_code == 200 and len(built) == 2
