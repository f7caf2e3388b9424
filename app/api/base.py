"""The shared REST resource: compressed read/write permissions and the domain's field rules
(the same as the forms'), answered as 422 with every message by field."""
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.domain import uniqueness, validation
from app.domain.enums import N_
from app.errors import DomainError, ValidationFailed
from app.permissions import CAN_READ, CAN_WRITE

READ, WRITE = CAN_READ.removeprefix("can_"), CAN_WRITE.removeprefix("can_")


CONFLICT = N_(
    "Не сохранено: такая запись уже есть (совпал номер, ИНН и КПП или другое уникальное поле) — "
    "возможно, её только что сохранили. Обновите данные и проверьте"
)


class ArendaInterface(SQLAInterface):
    """FAB's interface, but a database refusal on edit comes out as the IntegrityError it is
    (FAB wraps it into an English 422), so the resource answers it like one on add: 409."""

    def edit(self, item, commit=True):
        try:
            super().edit(item, commit)
        except DatabaseException as error:
            if isinstance(error.__cause__, IntegrityError):
                raise error.__cause__ from None
            raise


class ArendaApi(ModelRestApi):
    entity = None  # key of app.domain.validation.RULES
    base_permissions = [CAN_READ, CAN_WRITE]
    method_permission_name = {"get": READ, "get_list": READ, "info": READ, "post": WRITE, "put": WRITE, "delete": WRITE}
    allow_browser_login = False  # integrations authenticate by JWT only; no cookie sessions, no CSRF surface
    page_size = 50

    def __init__(self):
        if type(self.datamodel) is SQLAInterface:
            self.datamodel = ArendaInterface(self.datamodel.obj, self.datamodel._session)
        super().__init__()

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

    def pre_add(self, item):
        self.check(item)

    def pre_update(self, item):
        self.check(item)

    def _refused(self, error):
        self.datamodel.session.rollback()
        if isinstance(error, ValidationFailed):
            return self.response_422(message={f: [gettext(m) for m in msgs] for f, msgs in error.errors.items()})
        return self.response_422(message=gettext(str(error)))

    def _conflict(self):
        """The database refused what the checks let through (another request saved the same
        number or INN in between): 409, nothing saved."""
        self.datamodel.session.rollback()
        return self.response(409, message=gettext(CONFLICT))

    def post_headless(self):
        try:
            return super().post_headless()
        except DomainError as error:
            return self._refused(error)
        except IntegrityError:
            return self._conflict()

    def put_headless(self, pk):
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


def datamodel(model):
    return SQLAInterface(model)
