"""The Avito autoload feed (FORMATS.md §D.2) from the feeds' listings: bytes, no Flask."""
from lxml import etree

from app.exports.listing import amount, area_text, cdata, description, sub, title, to_bytes
from app.vocabulary.enums import RoomKind

OBJECT_TYPE = {
    RoomKind.OFFICE.value: "Офисное помещение",
    RoomKind.WAREHOUSE.value: "Складское помещение",
    RoomKind.RETAIL.value: "Торговое помещение",
    RoomKind.PRODUCTION.value: "Производственное помещение",
    RoomKind.FREE_PURPOSE.value: "Помещение свободного назначения",
}


def feed(listings, generated=None):
    root = etree.Element("Ads", formatVersion="3", target="Avito.ru")
    for listing in listings:
        lot = listing.lot
        ad = sub(root, "Ad")
        sub(ad, "Id", lot.external_id)
        if listing.phone:
            sub(ad, "ContactPhone", f"+7{listing.phone}")
        sub(ad, "ContactMethod", "По телефону")
        cdata(ad, "Description", description(listing))
        if listing.photos:
            images = sub(ad, "Images")
            for url in listing.photos:
                sub(images, "Image", url=url)
        sub(ad, "Address", listing.address)
        sub(ad, "Category", "Коммерческая недвижимость")
        sub(ad, "Title", title(listing))
        sub(ad, "Price", amount(lot.monthly_rent))
        sub(ad, "OperationType", "Сдам")
        sub(ad, "ObjectType", OBJECT_TYPE[lot.kind])
        if lot.kind == RoomKind.OFFICE.value:
            sub(ad, "OfficeType", "Помещение под офис")
        sub(ad, "PropertyRights", "Собственник")
        sub(ad, "Floor", listing.floor_number)
        sub(ad, "Square", area_text(lot.area).replace(",", "."))
        sub(ad, "RentalType", "Прямая")
        sub(ad, "VAT", "Да")
    return to_bytes(root)
