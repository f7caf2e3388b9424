"""The three listing feeds by name: `render(kind, listings, generated) -> bytes`."""
from app.exports import avito, cian, yandex

WRITERS = {"cian": cian.feed, "avito": avito.feed, "yandex": yandex.feed}
CONTENT_TYPE = "application/xml; charset=utf-8"


def render(kind, listings, generated):
    return WRITERS[kind](listings, generated)
