"""`feed cian [-o FILE]` (and `feed avito`, `feed yandex`): the feed as served at its secret URL."""
import sys

import click
from flask.cli import AppGroup

from app import addresses
from app.domain import feeds
from app.exports import feeds as feed_writers
from app.extensions import db
from app.timeutil import today, utcnow

group = AppGroup("feed", help="Listing feeds of vacant space (CIAN, Avito, Yandex).")


def _command(kind):
    @group.command(kind, help=f"The {kind} feed as served (XML) to stdout or to FILE.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="write the XML to FILE")
    def command(output):
        found = feeds.listings(db.session, today(), addresses.base_url(db.session))
        moment, _ = feeds.changed_at(db.session, kind, feeds.fingerprint(kind, found), utcnow())
        db.session.commit()
        data = feed_writers.render(kind, found, moment)
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
        else:
            sys.stdout.buffer.write(data)

    return command


for _kind in feeds.FEEDS:
    _command(_kind)
