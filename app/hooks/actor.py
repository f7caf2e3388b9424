"""The acting user: who is signed in to the admin or authenticated to the REST API (FAB puts
either on flask.g), for history and audit columns; None in a job, the CLI or outside a request.

And the door a change comes through, for the audit log: a request tells by its path (the REST
API, the incoming webhooks, else the admin); a job, a file import or anything else marks itself
with `through(door)` around its work and its commit; what is left is the CLI."""
import contextlib
from contextvars import ContextVar

from flask import g, has_app_context, has_request_context, request

from app.vocabulary.enums import AuditDoor

_DOOR = ContextVar("arenda_door", default=None)
REQUEST_DOORS = (("/api/", AuditDoor.API), ("/hooks/", AuditDoor.WEBHOOK))  # path prefix -> door; else the admin


def _user():
    if not has_app_context() or _DOOR.get() == AuditDoor.JOB.value:  # a job acts for nobody, whoever started it
        return None
    user = getattr(g, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", True) else None


def current_user_id():
    """The acting staff member's id, None when nobody is signed in (a job, the CLI, a test)."""
    return getattr(_user(), "id", None)


def current_user_name():
    """The acting staff member's login, None when nobody is signed in."""
    return getattr(_user(), "username", None)


@contextlib.contextmanager
def through(door):
    """Mark what runs inside (its commit included) as coming through `door` (an AuditDoor)."""
    token = _DOOR.set(AuditDoor(door).value)
    try:
        yield
    finally:
        _DOOR.reset(token)


def current_door():
    """The AuditDoor value of the change being made now."""
    marked = _DOOR.get()
    if marked:
        return marked
    if has_request_context():
        return next((door.value for prefix, door in REQUEST_DOORS if request.path.startswith(prefix)), AuditDoor.ADMIN.value)
    return AuditDoor.CLI.value
