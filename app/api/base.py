"""The shared REST resource: compressed read/write permissions and the domain's field rules
(the same as the forms'), answered as 422 with every message by field; a delete of accounting
history (app.hooks.history) is a conflict, 409. The save hooks themselves are app.hooks."""
import sys
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import jsonify, request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from marshmallow import fields as ma_fields
from marshmallow_sqlalchemy.fields import Related, RelatedList
from sqlalchemy import BigInteger, Integer, Numeric
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from app.domain import uniqueness, validation
from app.domain.enums import N_
from app.errors import DomainError, HistoryKept, ValidationFailed
from app.hooks.checks import ChecksFields
from app.permissions import CAN_READ, CAN_WRITE

READ, WRITE = CAN_READ.removeprefix("can_"), CAN_WRITE.removeprefix("can_")


CONFLICT = N_(
    "Не сохранено: такая запись уже есть (совпал номер, ИНН и КПП или другое уникальное поле) — "
    "возможно, её только что сохранили. Обновите данные и проверьте"
)


INT_LIMITS = {Integer: 2**31 - 1, BigInteger: 2**63 - 1}
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)  # beyond these, date arithmetic and the database overflow
NOT_AN_ID = N_("Ожидается id записи — целое число")
NO_SUCH_ID = N_("Нет записи с id %(id)s")
TOO_BIG = N_("Слишком большое число: допустимо по модулю меньше %(limit)s")
NOT_A_NUMBER = N_("Ожидается число")
BAD_DATE = N_("Дата должна быть между 01.01.1900 и 31.12.2199")
BAD_TEXT = N_("Недопустимые символы в тексте (нулевой символ или одиночный суррогат UTF-16)")
NEGATIVE_PAGE = N_("Номер страницы (page) — целое число от 0")


def as_id(value):
    """An id as the database can hold it, else None (bools, text, floats and huge numbers are no ids)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT_LIMITS[Integer]:  # ids are Integer
        return value
    return None


def _bad_text(value):
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_text(v) for v in value)
    return False


class Unavailable503:
    """A mixin for every API class: FAB's @safe turns any exception into a 500; a database that
    dropped the connection or does not answer goes on to the app's handler instead, which answers
    503 with Retry-After and rolls the session back (app/views/errors.py)."""

    def response_500(self, message=None):
        if isinstance(sys.exc_info()[1], OperationalError):
            raise  # @safe calls this inside its `except`: the OperationalError it caught
        return super().response_500(message)


class ArendaInterface(SQLAInterface):
    """FAB's interface, but a database refusal on edit comes out as the IntegrityError it is
    (FAB wraps it into an English 422), so the resource answers it like one on add: 409; a
    database gone on a write as its OperationalError (a 503, not FAB's 422); and an id the
    database cannot hold (text, huge) finds nothing instead of failing in the driver."""

    def get(self, id, *args, **kwargs):
        if as_id(id) is None:
            return None
        return super().get(as_id(id), *args, **kwargs)

    def edit(self, item, commit=True):
        with _unwrapped(IntegrityError, OperationalError):
            super().edit(item, commit)

    def delete(self, item, commit=True):  # FAB's add raises the database's error as it is
        with _unwrapped(OperationalError):
            super().delete(item, commit)


@contextmanager
def _unwrapped(*kinds):
    """FAB's DatabaseException (rolled back already) as the database error of `kinds` behind it."""
    try:
        yield
    except DatabaseException as error:
        if isinstance(error.__cause__, kinds):
            raise error.__cause__ from None
        raise


class ArendaApi(Unavailable503, ChecksFields, ModelRestApi):
    entity = None  # key of app.domain.validation.RULES
    door = "api"  # the source of the history rows this door writes (app.hooks.status_history)
    base_permissions = [CAN_READ, CAN_WRITE]
    method_permission_name = {"get": READ, "get_list": READ, "info": READ, "post": WRITE, "put": WRITE, "delete": WRITE}
    allow_browser_login = False  # integrations authenticate by JWT only; no cookie sessions, no CSRF surface
    page_size = 50

    def __init__(self):
        if type(self.datamodel) is SQLAInterface:
            self.datamodel = ArendaInterface(self.datamodel.obj, self.datamodel._session)
        super().__init__()

    def get_list_headless(self, **kwargs):
        """A negative page is refused (PostgreSQL would refuse its negative OFFSET with a 500)."""
        page = (kwargs.get("rison") or {}).get("page")
        if isinstance(page, int) and page < 0:
            return self.response_400(message=gettext(NEGATIVE_PAGE))
        return super().get_list_headless(**kwargs)

    def check(self, item):
        if self.entity:
            errors = validation.errors_for(self.entity, item)
            for field, message in self.clash_messages(item).items():
                errors.setdefault(field, []).append(message)
            if errors:
                raise ValidationFailed(errors)

    def clash_messages(self, item):
        """Uniqueness the record would break, by field: the existing record named, with its id."""
        return {
            field: gettext(clash.message, **clash.params) + f" (id {clash.existing_id})"
            for field, clash in uniqueness.clashes(self.datamodel.session, self.entity, item, item.id).items()
        }

    def _refused(self, error):
        self.datamodel.session.rollback()
        if isinstance(error, HistoryKept):
            return self.response(409, message=str(error))  # already translated by app.hooks.history
        if isinstance(error, ValidationFailed):
            return self.response_422(message={f: [gettext(m) for m in msgs] for f, msgs in error.errors.items()})
        return self.response_422(message=gettext(str(error)))

    def _conflict(self):
        """The database refused what the checks let through (another request saved the same
        number or INN in between): 409, nothing saved."""
        self.datamodel.session.rollback()
        return self.response(409, message=gettext(CONFLICT))

    def _input_errors(self, schema, body):
        """What the schema would let through to a 500: a related id that is not an integer or
        names no row (marshmallow-sqlalchemy would build a new row from it), numbers beyond their
        column, dates beyond FIRST_DAY..LAST_DAY, text the database cannot store. {field: [messages]}."""
        errors = {}
        if not isinstance(body, dict):
            return errors
        for name, value in body.items():
            field = schema.fields.get(name)
            if field is None or value is None:
                continue
            message = self._field_error(field, name, value)
            if message:
                errors[name] = [message]
        return errors

    def _field_error(self, field, name, value):
        if _bad_text(value):
            return gettext(BAD_TEXT)
        if isinstance(field, RelatedList):
            values = value if isinstance(value, list) else [value]
            return next(filter(None, (self._related_error(field.inner, v) for v in values)), None)
        if isinstance(field, Related):
            return self._related_error(field, value)
        column = self.datamodel.obj.__table__.columns.get(name)
        if column is None:
            return None
        if isinstance(field, ma_fields.Integer) and isinstance(value, int) and not isinstance(value, bool):
            limit = next((v for t, v in INT_LIMITS.items() if type(column.type) is t), INT_LIMITS[Integer])
            return gettext(TOO_BIG, limit=limit) if abs(value) > limit else None
        if isinstance(field, (ma_fields.Decimal, ma_fields.Float)) and isinstance(column.type, Numeric):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return None  # the schema answers it
            if not number.is_finite():
                return gettext(NOT_A_NUMBER)
            limit = Decimal(10) ** ((column.type.precision or 14) - (column.type.scale or 0))
            return gettext(TOO_BIG, limit=limit) if abs(number) >= limit else None
        if isinstance(field, (ma_fields.Date, ma_fields.DateTime)) and isinstance(value, str):
            try:
                day = (datetime if isinstance(field, ma_fields.DateTime) else date).fromisoformat(value)
            except ValueError:
                return None  # the schema answers it
            day = day.date() if isinstance(day, datetime) else day
            return None if FIRST_DAY <= day <= LAST_DAY else gettext(BAD_DATE)
        return None

    def _related_error(self, field, value):
        pk = as_id(value)
        if pk is None:
            return gettext(NOT_AN_ID)
        if self.datamodel.session.get(field.related_model, pk) is None:
            return gettext(NO_SUCH_ID, id=pk)
        return None

    def _refuse_bad_input(self, schema):
        errors = self._input_errors(schema, request.get_json(silent=True))
        return self.response_422(message=errors) if errors else None

    def post_headless(self):
        refused = self._refuse_bad_input(self.add_model_schema)
        if refused:
            return refused
        try:
            return super().post_headless()
        except DomainError as error:
            return self._refused(error)
        except IntegrityError:
            return self._conflict()

    def put_headless(self, pk):
        refused = self.datamodel.get(pk, self._base_filters) and self._refuse_bad_input(self.edit_model_schema)
        if refused:
            return refused
        try:
            return super().put_headless(pk)
        except DomainError as error:
            return self._refused(error)
        except IntegrityError:
            return self._conflict()

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except DomainError as error:
            return self._refused(error)


def answer_http_errors_in_json(app):
    """Under /api/, a route that does not match (a negative id, a wrong method) answers JSON
    with a message like every other refusal, not Werkzeug's HTML page."""

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if not request.path.startswith("/api/"):
            return error
        response = jsonify(message=error.description or error.name)
        response.status_code = error.code or 500
        return response
