"""Our own pages (not model lists) and the one transaction boundary of every custom POST:
the CSRF token checked, the work committed when it succeeds, rolled back with its domain error
flashed (translated) when a rule refuses it; and a bulk action's counts."""
from functools import wraps

from flask import abort, current_app, flash, g, request
from flask_appbuilder import BaseView
from flask_babel import gettext
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from app import permissions as P
from app.errors import DomainError, ValidationFailed
from app.extensions import db


def may(permission, resource):
    """The current user's permission, asked once per request (a schedule shows many documents)."""
    asked = request.environ.setdefault("arenda.permissions", {})
    if (permission, resource) not in asked:
        asked[(permission, resource)] = current_app.appbuilder.sm.has_access(permission, resource)
    return asked[(permission, resource)]


class ArendaPage(BaseView):
    """A page of our own (not a model list): read/write permissions like every view."""

    base_permissions = [P.CAN_READ, P.CAN_WRITE]


def check_csrf():
    """A POST without this session's CSRF token is refused with 400 (unless CSRF is off, as in tests)."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)


def done(message, category="success"):
    """Tell the user `message` once the transaction has committed."""
    g.setdefault("arenda_done", []).append((message, category))


def flash_refusal(error, prefix=None):
    """A domain error as the user reads it: each message translated, after `prefix` (a msgid)."""
    messages = [m for ms in error.errors.values() for m in ms] if isinstance(error, ValidationFailed) else [str(error)]
    for message in messages:
        flash(f"{gettext(prefix)} {gettext(message)}" if prefix else gettext(message), "danger")


def transaction(refused, prefix=None):
    """Decorate a page method (below @has_access) that changes data on POST: the CSRF token is
    checked, then the method runs; on success the session commits and what the method `done()`
    is flashed; on a DomainError the session rolls back, the error is flashed and the page
    answers `refused(self, *args, **kwargs)`. A GET runs the method as it is."""

    def decorate(method):
        @wraps(method)
        def run(self, *args, **kwargs):
            if request.method != "POST":
                return method(self, *args, **kwargs)
            check_csrf()
            try:
                response = method(self, *args, **kwargs)
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                g.pop("arenda_done", None)
                flash_refusal(error, prefix)
                return refused(self, *args, **kwargs)
            except Exception:
                db.session.rollback()
                raise
            for message, category in g.pop("arenda_done", []):
                flash(message, category)
            return response

        return run

    return decorate


def flash_outcome(outcome, did):
    """A bulk action's result (app.domain.batch.Outcome) as the user reads it: `did` (a msgid
    with %(n)s) counts the rows done, then each refusal with its count."""
    flash(gettext(did, n=len(outcome.done)), "success" if outcome.done else "warning")
    for reason, count in outcome.refused.items():
        flash(gettext("Не выполнено (%(n)s): %(reason)s", n=count, reason=gettext(reason)), "danger")
