"""The shared REST resource: compressed read/write permissions and the domain's field rules
(the same as the forms'), answered as 422 with every message by field."""
from flask_appbuilder.api import ModelRestApi
from flask_babel import gettext

from app.domain import validation
from app.errors import DomainError, ValidationFailed
from app.permissions import CAN_READ, CAN_WRITE

READ, WRITE = CAN_READ.removeprefix("can_"), CAN_WRITE.removeprefix("can_")


class ArendaApi(ModelRestApi):
    entity = None  # key of app.domain.validation.RULES
    base_permissions = [CAN_READ, CAN_WRITE]
    method_permission_name = {"get": READ, "get_list": READ, "info": READ, "post": WRITE, "put": WRITE, "delete": WRITE}
    allow_browser_login = False  # integrations authenticate by JWT only; no cookie sessions, no CSRF surface
    page_size = 50

    def check(self, item):
        if self.entity:
            validation.check(self.entity, item)

    def pre_add(self, item):
        self.check(item)

    def pre_update(self, item):
        self.check(item)

    def _refused(self, error):
        self.datamodel.session.rollback()
        if isinstance(error, ValidationFailed):
            return self.response_422(message={f: [gettext(m) for m in msgs] for f, msgs in error.errors.items()})
        return self.response_422(message=gettext(str(error)))

    def post_headless(self):
        try:
            return super().post_headless()
        except DomainError as error:
            return self._refused(error)

    def put_headless(self, pk):
        try:
            return super().put_headless(pk)
        except DomainError as error:
            return self._refused(error)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except DomainError as error:
            return self._refused(error)
