"""Change stamps (model ChangeStamp): `mark` draws a topic's stamp anew inside the transaction
that changes the topic's rows (app.hooks.changes calls it at flush), `current` reads it. A stamp
read before some data was read is never newer than that data, so whatever was built from the
data under that stamp is current while the stamp stays the same."""
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import ChangeStamp

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def mark(session, topic):
    """A change of `topic`, in the session's transaction (the row is made on first use;
    concurrent writers queue on it)."""
    table = ChangeStamp.__table__
    stamp = secrets.randbits(62) + 1  # never 0, the stamp of a topic never changed
    statement = _INSERTS[session.get_bind().dialect.name](table).values(topic=topic, stamp=stamp)
    # on the session's connection, past the ORM: called while the session flushes
    session.connection().execute(statement.on_conflict_do_update(index_elements=[table.c.topic], set_={"stamp": stamp}))


def current(session, topic):
    """The stamp of `topic`'s last change (0 before the first)."""
    return session.scalar(select(ChangeStamp.stamp).where(ChangeStamp.topic == topic)) or 0
