"""The shared ModelView: compressed read/write permissions, Russian labels, the domain's
field rules as form validators, and domain errors turned into flash messages."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from wtforms.validators import ValidationError

from app.domain import validation
from app.permissions import CAN_READ, CAN_WRITE
from app.views.formatters import blank_none
from app.views.labels import LABELS
from app.views.widgets import CardWidget

READ_METHODS = ("list", "show", "download", "api", "api_read", "api_get", "api_column_add", "api_column_edit", "api_readvalues")
WRITE_METHODS = ("add", "edit", "delete", "api_create", "api_update", "api_delete", "action", "action_post")


def compressed_permissions(extra_read=(), extra_write=()):
    names = {m: CAN_READ.removeprefix("can_") for m in READ_METHODS + tuple(extra_read)}
    names.update({m: CAN_WRITE.removeprefix("can_") for m in WRITE_METHODS + tuple(extra_write)})
    return names


class _FormRecord:
    """The other fields of the form being validated, by attribute (for cross-field rules)."""

    def __init__(self, form):
        self._form = form

    def __getattr__(self, name):
        field = self._form._fields.get(name)
        return field.data if field is not None else None


class FieldRules:
    """A WTForms validator running the domain rules of one field; errors show next to it."""

    def __init__(self, rules):
        self.rules = rules

    def __call__(self, form, field):
        record = _FormRecord(form)
        for rule in self.rules:
            message = rule(field.data, record)
            if message:
                raise ValidationError(gettext(message))


def form_validators(entity):
    return {field: [FieldRules(rules)] for field, rules in validation.RULES.get(entity, {}).items()}


class ArendaModelView(ModelView):
    """Base for every admin list/card/form of the project."""

    entity = None  # key of app.domain.validation.RULES
    base_permissions = [CAN_READ, CAN_WRITE]
    method_permission_name = compressed_permissions()
    page_size = 25
    show_widget = CardWidget

    def __init__(self, **kwargs):
        labels = dict(LABELS)
        labels.update(self.label_columns or {})
        self.label_columns = labels
        formatters = {column: blank_none for column in self._shown_columns()}
        formatters.update(self.formatters_columns or {})
        self.formatters_columns = formatters
        if self.entity:
            validators = form_validators(self.entity)
            for field, extra in (self.validators_columns or {}).items():
                validators.setdefault(field, []).extend(extra)
            self.validators_columns = validators
        super().__init__(**kwargs)

    def _shown_columns(self):
        columns = list(self.list_columns or []) + list(self.show_columns or [])
        for _, fieldset in self.show_fieldsets or []:
            columns += fieldset.get("fields", [])
        return columns

    def check(self, item):
        if self.entity:
            validation.check(self.entity, item)

    def pre_add(self, item):
        self.check(item)

    def pre_update(self, item):
        self.check(item)


def datamodel(model):
    return SQLAInterface(model)
