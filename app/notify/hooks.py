"""Staff and tariff changes noticed whatever door they came through: the admin forms, FAB's
user views and REST API, `flask fab` commands, the demo loader.

Each flush records what changed (a user created, changed field by field, or deleted; the
account's tariff fields); at commit the changes of the whole transaction become outbox rows,
written in that same transaction — one message per person and change, however many flushes it
took, none for a change rolled back. After a commit that wrote outbox rows, the callback given
to `install` asks for delivery at once (see app.jobs.outbox).
"""
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import event, inspect, select

from app.domain.enums import TariffPeriod
from app.domain.words import format_amount
from app.models import Account
from app.notify import events
from app.notify.outbox import WRITTEN
from app.permissions import ROLE_LABELS
from app.timeutil import today

PENDING = "arenda.pending_notices"  # session.info: {object key: _Notice} of this transaction
_on_commit = []  # the callback given to install(), at most one


def _roles(roles):
    return ", ".join(sorted(ROLE_LABELS.get(role.name, role.name) for role in roles)) or "нет"


def _flag(value):
    return "открыт" if value else "закрыт"


def _day(value):
    return f"{value:%d.%m.%Y}" if value else "не указано"


STAFF_FIELDS = {  # what a staff member is told about, and how a value reads (None: a secret, no values)
    "first_name": ("Имя", str), "last_name": ("Фамилия", str), "username": ("Логин", str), "email": ("Email", str),
    "active": ("Доступ", _flag), "roles": ("Роли", _roles), "password": ("Пароль", None),
}
TARIFF_FIELDS = {
    "plan_name": ("Тариф", str), "billing_period": ("Период оплаты", TariffPeriod.label_of),
    "price": ("Стоимость", lambda value: f"{format_amount(value)} ₽"), "paid_until": ("Оплачен до", _day),
}


@dataclass
class _Notice:
    kind: str  # "created", "changed", "deleted" (staff) or "tariff"
    obj: object
    changes: dict = field(default_factory=dict)  # label -> [old shown, new shown]

    def merge(self, changes):
        for label, old, new in changes:
            self.changes.setdefault(label, [old, new])[1] = new

    def change_list(self):
        return [(label, old, new) for label, (old, new) in self.changes.items() if old != new or old is None]


def _stored(session, state, key):
    """The value in the database (an attribute set while expired keeps no old value in its history)."""
    column = state.mapper.columns[key]
    return session.execute(select(column).where(state.mapper.primary_key[0] == state.identity[0])).scalar()


def _changes(session, obj, fields):
    """[(label, old, new)] of the fields this flush changes."""
    state, changes = inspect(obj), []
    for key, (label, shown) in fields.items():
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        if key == "roles":
            old, new = history.unchanged + history.deleted, history.unchanged + history.added
        else:
            old = history.deleted[0] if history.deleted else _stored(session, state, key)
            new = history.added[0] if history.added else None
            if old == new:
                continue
        changes.append((label, None, None) if shown is None else (label, shown(old), shown(new)))
    return changes


def _before_flush(session, flush_context, instances):
    pending = session.info.setdefault(PENDING, {})
    for obj in session.new:
        if isinstance(obj, User):
            pending[id(obj)] = _Notice("created", obj)
    for obj in session.dirty:
        fields = STAFF_FIELDS if isinstance(obj, User) else TARIFF_FIELDS if isinstance(obj, Account) else None
        changes = _changes(session, obj, fields) if fields else None
        if not changes:
            continue
        notice = pending.setdefault(id(obj), _Notice("changed" if fields is STAFF_FIELDS else "tariff", obj))
        notice.merge(changes)
    for obj in session.deleted:
        if isinstance(obj, User):
            if pending.pop(id(obj), _Notice("", None)).kind != "created":  # created and deleted at once: nobody to tell
                snapshot = SimpleNamespace(id=obj.id, username=obj.username, first_name=obj.first_name, email=obj.email)
                pending[id(obj)] = _Notice("deleted", snapshot)


def _before_commit(session):
    session.flush()  # the last changes pass through _before_flush first
    notices, day = session.info.pop(PENDING, {}), today()
    for notice in notices.values():
        if notice.kind == "created":
            events.staff_created(session, notice.obj, _roles(notice.obj.roles), day)
        elif notice.kind == "deleted":
            events.staff_deleted(session, notice.obj, day)
        elif notice.change_list():
            if notice.kind == "tariff":
                events.tariff_changed(session, notice.obj, notice.change_list(), day)
            else:
                previous = notice.changes.get(STAFF_FIELDS["email"][0], [None])[0]  # the old address hears of it too
                events.staff_changed(session, notice.obj, notice.change_list(), [notice.obj.email, previous], day)


def _after_commit(session):
    if session.info.pop(WRITTEN, False):
        for callback in _on_commit:
            callback()


def _after_rollback(session):
    session.info.pop(WRITTEN, None)
    session.info.pop(PENDING, None)


def install(scoped_session, on_commit):
    """Watch the app's sessions; `on_commit()` is called after a commit that wrote outbox rows."""
    listeners = (("before_flush", _before_flush), ("before_commit", _before_commit), ("after_commit", _after_commit),
                 ("after_rollback", _after_rollback))
    for name, listener in listeners:
        if not event.contains(scoped_session, name, listener):
            event.listen(scoped_session, name, listener)
    _on_commit[:] = [on_commit]
