"""The change stamps' listener on the app's session: a flush that inserts, updates or deletes
rows the listing feeds read (app.domain.feeds.affects_feeds) draws the feeds' change stamp anew in its
own transaction (app.domain.changes), whichever door the change came through."""
from sqlalchemy import event, inspect

from app.domain import changes, feeds


def _changed_columns(obj):
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _touches_feeds(session):
    if any(feeds.affects_feeds(obj) for obj in (*session.new, *session.deleted)):
        return True
    return any(feeds.affects_feeds(obj, _changed_columns(obj)) for obj in session.dirty
               if feeds.affects_feeds(obj) and session.is_modified(obj, include_collections=False))


def _after_flush(session, flush_context):
    if _touches_feeds(session):
        changes.mark(session, feeds.TOPIC)


def install(scoped_session):
    if not event.contains(scoped_session, "after_flush", _after_flush):
        event.listen(scoped_session, "after_flush", _after_flush)
