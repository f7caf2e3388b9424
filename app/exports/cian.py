"""The CIAN feed (feed_version 2, FORMATS.md §D.1) from the feeds' listings: bytes, no Flask."""
from lxml import etree

from app.exports.listing import amount, cdata, description, sub, title, to_bytes
from app.vocabulary.enums import RoomKind

CATEGORY = {
    RoomKind.OFFICE.value: "officeRent",
    RoomKind.WAREHOUSE.value: "warehouseRent",
    RoomKind.RETAIL.value: "shoppingAreaRent",
    RoomKind.PRODUCTION.value: "industryRent",
    RoomKind.FREE_PURPOSE.value: "freeAppointmentObjectRent",
}
VAT_TYPE = "included"  # the asking rent is entered with VAT


def _object(feed, listing):
    lot = listing.lot
    item = sub(feed, "object")
    sub(item, "ExternalId", lot.external_id)
    sub(item, "Category", CATEGORY[lot.kind])
    sub(item, "Title", title(listing))
    cdata(item, "Description", description(listing))
    sub(item, "Address", listing.address)
    if listing.phone:
        schema = sub(sub(item, "Phones"), "PhoneSchema")
        sub(schema, "CountryCode", "+7")
        sub(schema, "Number", listing.phone)
    if listing.manager_email:
        sub(sub(item, "SubAgent"), "Email", listing.manager_email)
    sub(item, "TotalArea", f"{lot.area:.2f}")
    sub(item, "FloorNumber", listing.floor_number)
    building = sub(item, "Building")
    sub(building, "Name", listing.building_name)
    sub(building, "FloorsCount", listing.floors_count)
    terms = sub(item, "BargainTerms")
    sub(terms, "Price", amount(lot.monthly_rent))
    sub(terms, "PriceType", "all")
    sub(terms, "Currency", "rur")
    sub(terms, "PaymentPeriod", "monthly")
    sub(terms, "VatType", VAT_TYPE)
    sub(terms, "LeaseType", "direct")
    if listing.photos:
        photos = sub(item, "Photos")
        for index, url in enumerate(listing.photos):
            photo = sub(photos, "PhotoSchema")
            sub(photo, "FullUrl", url)
            sub(photo, "IsDefault", "true" if index == 0 else "false")


def feed(listings, generated=None):
    root = etree.Element("feed")
    sub(root, "feed_version", 2)
    for listing in listings:
        _object(root, listing)
    return to_bytes(root)
