"""The Yandex.Realty feed of commercial rent (FORMATS.md §D.3) from the feeds' listings: bytes, no Flask."""
from lxml import etree

from app.exports.listing import amount, description, sub, to_bytes
from app.vocabulary.enums import RoomKind

NS = "http://webmaster.yandex.ru/schemas/feed/realty/2010-06"
COMMERCIAL_TYPE = {
    RoomKind.OFFICE.value: "office",
    RoomKind.WAREHOUSE.value: "warehouse",
    RoomKind.RETAIL.value: "retail",
    RoomKind.PRODUCTION.value: "manufacturing",
    RoomKind.FREE_PURPOSE.value: "free purpose",
}


def _sub(parent, tag, text=None, **attrs):
    """listing.sub in Yandex's namespace."""
    return sub(parent, f"{{{NS}}}{tag}", text, **attrs)


def feed(listings, generated):
    """`generated`: when the feed's content last changed (an aware datetime)."""
    stamp = generated.isoformat(timespec="seconds")
    root = etree.Element(f"{{{NS}}}realty-feed", nsmap={None: NS})
    _sub(root, "generation-date", stamp)
    for listing in listings:
        lot = listing.lot
        offer = _sub(root, "offer", **{"internal-id": lot.external_id})
        _sub(offer, "type", "аренда")
        _sub(offer, "category", "коммерческая")
        _sub(offer, "commercial-type", COMMERCIAL_TYPE[lot.kind])
        _sub(offer, "creation-date", stamp)
        location = _sub(offer, "location")
        _sub(location, "country", "Россия")
        _sub(location, "address", listing.address)
        agent = _sub(offer, "sales-agent")
        if listing.phone:
            _sub(agent, "phone", f"+7{listing.phone}")
        _sub(agent, "category", "владелец")
        _sub(agent, "organization", listing.building_name)
        price = _sub(offer, "price")
        _sub(price, "value", amount(lot.monthly_rent))
        _sub(price, "currency", "RUB")
        _sub(price, "period", "месяц")
        _sub(offer, "deal-status", "прямая аренда")
        area = _sub(offer, "area")
        _sub(area, "value", f"{lot.area:.2f}")
        _sub(area, "unit", "кв. м")
        _sub(offer, "floor", listing.floor_number)
        _sub(offer, "floors-total", listing.floors_count)
        for url in listing.photos:
            _sub(offer, "image", url)
        _sub(offer, "description", description(listing))
        _sub(offer, "taxation-form", "НДС")
    return to_bytes(root)
