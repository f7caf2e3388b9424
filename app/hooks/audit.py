"""The audit log, written by one listener on the app's session whatever the door: every insert,
update and delete of an audited model (app.models.audit.AUDITED) becomes an `audit_entry` row
with the old and new values of the columns it changed, the acting user (app.hooks.actor) and the
door; rows written in bulk past the flush (app.bulk.announce: documents issued, statement
operations and their allocations) become one `batch` entry per kind and transaction, with the count.

Entries are inserted at the end of each flush, on the flush's own connection: in the same
transaction as the change (nothing stays of a rollback), one INSERT per flush and no query per row.
"""
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, inspect, insert

from app import bulk
from app.hooks.actor import current_door, current_user_id, current_user_name
from app.models.audit import AUDITED, BATCH_COUNT, SECRET, AuditEntry, audit_of
from app.timeutil import utcnow
from app.vocabulary.enums import AuditAction

_NOTHING = object()
_PREPARED = set()  # the models whose columns keep their old values (install() may run once per app)


def _plain(value):
    """A value as JSON holds it: dates, moments and amounts as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _names(objects):
    return sorted(str(obj) for obj in objects)


def _columns(state, audit):
    """The columns an entry may name: not the ignored ones, nor the key (the entry's object_id)."""
    keys = {column.key for column in state.mapper.primary_key}
    return [attr.key for attr in state.mapper.column_attrs if attr.key not in audit.ignored and attr.key not in keys]


def _row_values(state, audit, secret, created):
    """{column: [None, value]} of a row created, {column: [value, None]} of one deleted, as loaded
    (nothing is read for it)."""
    values = {}
    for key in _columns(state, audit):
        value = state.dict.get(key, _NOTHING)
        if value is not _NOTHING and value is not None:
            values[key] = SECRET if secret or key in audit.secret else _plain(value)
    for key in audit.relations:
        if key in state.dict:
            values[key] = _names(state.dict[key])
    return {key: [None, value] if created else [value, None] for key, value in values.items()}


def _updates(state, audit, secret):
    """{column: [old, new]} of what the flush changes."""
    changes = {}
    for key in _columns(state, audit):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        changes[key] = [SECRET, SECRET] if secret or key in audit.secret else [_plain(old), _plain(new)]
    for key in audit.relations:
        history = state.attrs[key].history
        if history.has_changes():
            changes[key] = [_names(history.unchanged + history.deleted), _names(history.unchanged + history.added)]
    return changes


def _entry(action, audit, state, changes):
    # A row inserted by this flush has its key in its attributes, not yet in state.identity.
    key = [state.dict.get(state.mapper.get_property_by_column(column).key) for column in state.mapper.primary_key]
    return dict(action=action, kind=audit.kind, object_id="/".join(str(part) for part in key if part is not None) or None,
                changes=json.dumps(changes, ensure_ascii=False, sort_keys=True))


def _entries(session):
    for action, objects in ((AuditAction.CREATE, session.new), (AuditAction.UPDATE, session.dirty),
                            (AuditAction.DELETE, session.deleted)):
        for obj in objects:
            audit = audit_of(obj)
            if audit is None or (audit.skipped and audit.skipped(obj)):
                continue
            state = inspect(obj)
            secret = bool(audit.secret_row and audit.secret_row(obj))
            if action is AuditAction.UPDATE:
                changes = _updates(state, audit, secret)
                if not changes:  # only ignored columns moved (a login counter), or a collection of another model
                    continue
            else:
                changes = _row_values(state, audit, secret, created=action is AuditAction.CREATE)
            yield _entry(action.value, audit, state, changes)


def _write(session, entries):
    if entries:
        common = dict(moment=utcnow(), user_id=current_user_id(), user_name=current_user_name(), door=current_door())
        session.connection().execute(insert(AuditEntry.__table__), [dict(common, **entry) for entry in entries])


def _after_flush(session, flush_context):
    _write(session, list(_entries(session)))


def _before_commit(session):
    """One `batch` entry per kind written in bulk in this transaction (before the outgoing webhooks,
    installed after this hook, forget what was announced)."""
    written = session.info.get(bulk.WRITTEN) or {}
    _write(session, [dict(action=AuditAction.BATCH.value, kind=what, object_id=None,
                          changes=json.dumps({BATCH_COUNT: [None, len(set(ids))]})) for what, ids in written.items() if ids])


def _remember_old_values(cls, audit):
    """An audited column set while not loaded (expired by a commit) loads its old value first, so
    the entry can say what it was; loaded columns, the usual case, cost nothing more."""
    for attr in inspect(cls).column_attrs:
        if attr.key not in audit.ignored and attr.key not in audit.secret:
            event.listen(attr.class_attribute, "set", _keep, active_history=True)


def _keep(target, value, oldvalue, initiator):
    return value


def install(scoped_session):
    """Listen on the app's sessions; call before app.notify's hooks (their commit forgets the bulk writes)."""
    for cls, audit in AUDITED.items():
        if cls not in _PREPARED:
            _remember_old_values(cls, audit)
            _PREPARED.add(cls)
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit)):
        if not event.contains(scoped_session, name, listener):
            event.listen(scoped_session, name, listener)
