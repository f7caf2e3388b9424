"""What the three listing feeds share: the words for a lot, its title and its description text."""
from lxml import etree

from app.vocabulary.enums import RoomKind

KIND_WORDS = {
    RoomKind.OFFICE.value: "Офис",
    RoomKind.WAREHOUSE.value: "Склад",
    RoomKind.RETAIL.value: "Торговое помещение",
    RoomKind.PRODUCTION.value: "Производственное помещение",
    RoomKind.FREE_PURPOSE.value: "Помещение свободного назначения",
}
DESCRIPTION_MIN, DESCRIPTION_MAX = 15, 3000


def area_text(value):
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def title(listing):
    lot = listing.lot
    what = "Этаж целиком" if lot.whole_floor else KIND_WORDS[lot.kind]
    return f"{what}, {area_text(lot.area)} м², {listing.floor_number} этаж"


def description(listing):
    """The lot's description (its section's, else its building's) after a line saying what and
    where, so that it is never empty or too short; no '&' (CIAN refuses it), at most 3000 characters."""
    lot = listing.lot
    rooms = ", ".join(lot.rooms)
    head = f"{title(listing)}, {listing.building_name}. Помещени{'е' if len(lot.rooms) == 1 else 'я'}: {rooms}."
    text = head if not lot.description else f"{head}\n{lot.description}"
    return text.replace("&", " и ")[:DESCRIPTION_MAX]


def sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = str(text)
    return element


def cdata(parent, tag, text):
    element = etree.SubElement(parent, tag)
    element.text = etree.CDATA(text)
    return element


def to_bytes(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def amount(value):
    return f"{value:.0f}"
