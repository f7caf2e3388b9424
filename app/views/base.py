"""The shared ModelView: compressed read/write permissions, Russian labels, the domain's
field rules as form validators, relation filters that search on the server, and domain
errors turned into flash messages."""
import re

from flask import abort, jsonify, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.fields import QuerySelectField
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from sqlalchemy import String, cast, or_, select
from wtforms import BooleanField, Field
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, ValidationError

from app.domain import uniqueness, validation
from app.extensions import db
from app.hooks.checks import ChecksFields
from app.permissions import CAN_READ, CAN_WRITE
from app.views import excel, filters
from app.views.fields import russian_fields
from app.views.formatters import blank_none, date_ru, moment, number
from app.views.labels import LABELS
from app.views.widgets import ArendaListWidget, CardWidget, RemoteSelectWidget

READ_METHODS = (
    "list", "show", "download", "api", "api_read", "api_get", "api_column_add", "api_column_edit", "api_readvalues",
    "related", "export_xlsx",
)
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


class UniqueRule:
    """A WTForms validator running a uniqueness rule of the domain; the error, next to the
    field, names the record already there with a link to its card."""

    def __init__(self, rule, view_name):
        self.rule, self.view_name = rule, view_name

    def __call__(self, form, field):
        own_id = (request.view_args or {}).get("pk")  # the edit form's row: it never collides with itself
        clash = self.rule(db.session, _FormRecord(form), own_id)
        if clash is not None:
            raise ValidationError(clash_markup(clash, self.view_name))


def clash_markup(clash, view_name):
    """The message with the existing record's name as a link to its card (the rest escaped)."""
    link = Markup('<a href="{}">{}</a>').format(url_for(f"{view_name}.show", pk=clash.existing_id), clash.params["name"])
    return escape(gettext(clash.message)) % dict(clash.params, name=link)


class RelationSearchField(Field):
    """A relation filter of a list's search form: its options come from the view's `related`
    endpoint as the user types; only the ones chosen in the current filters are rendered."""

    widget = RemoteSelectWidget()

    def __init__(self, label=None, view_name=None, column=None, model=None, **kwargs):
        super().__init__(label, **kwargs)
        self.view_name, self.column, self.model = view_name, column, model

    def url(self):
        return url_for(f"{self.view_name}.related", column=self.column)

    def chosen(self):
        arg = re.compile(rf"^_flt_\d_{re.escape(self.column)}$")
        ids = {int(v) for k in request.args if arg.match(k) for v in request.args.getlist(k) if v.isdigit()}
        if not ids:
            return []
        rows = db.session.scalars(select(self.model).where(self.model.id.in_(ids)))
        return [(row.id, str(row)) for row in rows]


# Columns a relation filter searches by, when the related model has them.
SEARCHED_BY = ("number", "name", "inn", "username", "first_name", "last_name", "email")
OPTIONS_PAGE = 20


def form_validators(entity):
    return {field: [FieldRules(rules)] for field, rules in validation.RULES.get(entity, {}).items()}


def unique_validators(entity, view_name):
    return {field: [UniqueRule(rule, view_name)] for field, rule in uniqueness.RULES.get(entity, {}).items()}


class _ListExtras:
    """A datamodel whose list rows get `loads` (the relations a list's columns read) in one
    statement per relation, so that a page costs a few statements whatever its rows; and
    `computed` columns (name → function of the row) the model has not."""

    loads = ()
    computed = {}

    def get_values(self, lst, list_columns):
        if self.loads and lst:  # the rows are in the session: this fills their relations
            self.session.scalars(select(self.obj).where(self.obj.id.in_([item.id for item in lst])).options(*self.loads)).all()
        return self.loaded_values(lst, list_columns)

    def loaded_values(self, lst, list_columns):
        """get_values of rows whose `loads` are loaded already (the Excel export reads them with its rows)."""
        rows = list(super().get_values(lst, [c for c in list_columns if c not in self.computed]))
        for item, row in zip(lst, rows):
            row.update({name: compute(item) for name, compute in self.computed.items() if name in list_columns})
        return rows


def with_extras(datamodel, loads=(), computed=None):
    """The view's datamodel (SQLAInterface or a subclass) with its list's loads and computed columns."""
    extras = {"loads": tuple(loads), "computed": dict(computed or {})}
    return type(f"Listing{type(datamodel).__name__}", (_ListExtras, type(datamodel)), extras)(datamodel.obj)


def _blank_choice_first(form):
    """Every relation select of a form starts with a blank choice labelled in Russian (FAB
    shows «__None» for an optional relation, and preselects the first row of a required one
    so that a contract could be saved for a customer nobody chose); a required one left blank
    is refused next to the field."""
    for unbound in vars(form).values():
        if isinstance(unbound, UnboundField) and unbound.field_class is QuerySelectField:
            required = any(isinstance(v, DataRequired) for v in unbound.kwargs.get("validators", ()))
            unbound.kwargs.update(allow_blank=True, blank_text=_("— выберите —") if required else _("— не указан —"))


class ArendaModelView(ChecksFields, ModelView):
    """Base for every admin list/card/form of the project."""

    entity = None  # key of app.domain.validation.RULES
    door = "ui"  # the source of the history rows this door writes (app.hooks.status_history)
    base_permissions = [CAN_READ, CAN_WRITE]
    method_permission_name = compressed_permissions()
    page_size = 25
    list_widget = ArendaListWidget
    show_widget = CardWidget
    list_loads = ()  # loader options for the list's rows: the relations its columns read (no N+1)
    list_computed = {}  # list columns the model has not: name → function of the row (not exported)

    def __init__(self, **kwargs):
        if self.list_loads or self.list_computed:
            self.datamodel = with_extras(self.datamodel, self.list_loads, self.list_computed)
        # No file columns here: FAB's download route would only answer 500 to a made-up name.
        self.exclude_route_methods = set(self.exclude_route_methods) | {"download"}
        labels = dict(LABELS)
        labels.update(self.label_columns or {})
        self.label_columns = labels
        self._optional_checkboxes(labels)
        formatters = {column: self._default_formatter(column) for column in self._shown_columns()}
        formatters.update(self.formatters_columns or {})
        self.formatters_columns = formatters
        self._choice_filters(labels, formatters)
        if self.entity:
            validators = form_validators(self.entity)
            for field, extra in unique_validators(self.entity, self.__class__.__name__).items():
                validators.setdefault(field, []).extend(extra)
            for field, extra in (self.validators_columns or {}).items():
                validators.setdefault(field, []).extend(extra)
            self.validators_columns = validators
        super().__init__(**kwargs)

    def _default_formatter(self, column):
        """Dates as 01.12.2026, moments as 01.12.2026 21:31, decimals with a comma, unless the view
        says otherwise; no "None"."""
        columns = self.datamodel.list_columns
        if column in columns and self.datamodel.is_datetime(column):
            return moment
        if column in columns and self.datamodel.is_date(column):
            return date_ru
        if column in columns and self.datamodel.is_numeric(column):
            return number
        return blank_none

    def _choice_filters(self, labels, formatters):
        """Statuses and kinds (columns shown with their enum's labels) are filtered by choosing a label."""
        searched = set(self.search_columns or self.datamodel.get_search_columns_list())
        # a formatter's stand-in enum without choices (the audit log's changes) is no status filter
        enums = {c: f.enum for c, f in formatters.items() if hasattr(getattr(f, "enum", None), "choices") and c in searched}
        self.datamodel.filter_converter_class = filters.converter_for(enums, self.datamodel.filter_converter_class)
        own = self.search_form_extra_fields or {}  # a view's own select wins (the audit log's kinds are not an enum)
        chosen = {column: enum for column, enum in enums.items() if column not in own}
        self.search_form_extra_fields = {**filters.choice_fields(chosen, labels), **own}

    def _optional_checkboxes(self, labels):
        """An unticked box means False: FAB would mark NOT NULL booleans as required (in forms
        and in the search filters, where a "No" filter could then not be submitted)."""
        checkboxes = {
            column: BooleanField(labels.get(column, column), description=(self.description_columns or {}).get(column, ""))
            for column in self.datamodel.get_columns_list()
            if self.datamodel.is_boolean(column)
        }
        self.add_form_extra_fields = {**checkboxes, **(self.add_form_extra_fields or {})}
        self.edit_form_extra_fields = {**checkboxes, **(self.edit_form_extra_fields or {})}
        self.search_form_extra_fields = {**checkboxes, **(self.search_form_extra_fields or {})}

    def _init_forms(self):
        extra = dict(self.search_form_extra_fields or {})
        for column in self.search_columns:
            if column not in extra and self.datamodel.is_relation_many_to_one(column):
                extra[column] = RelationSearchField(
                    self.label_columns.get(column, column), view_name=self.__class__.__name__, column=column,
                    model=self.datamodel.get_related_model(column),
                )
        self.search_form_extra_fields = extra
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            _blank_choice_first(form)
        for form in (self.add_form, self.edit_form, self.search_form):
            russian_fields(form, self.datamodel)

    @expose("/related/<column>")
    @has_access
    def related(self, column):
        """Options of a relation filter for select2: {"results": [{"id", "text"}], "pagination": {"more"}}."""
        field = self.search_form_extra_fields.get(column)
        if field is None or field.field_class is not RelationSearchField:
            abort(404)
        model = self.datamodel.get_related_model(column)
        searched = [getattr(model, name) for name in SEARCHED_BY if hasattr(model, name)]
        query = select(model).order_by(*searched[:1], model.id)
        term = request.args.get("q", "").strip()
        if term and searched:
            # A floor's number is an integer: searched as text too.
            texts = (c if isinstance(c.type, String) else cast(c, String) for c in searched)
            query = query.where(or_(*(c.icontains(term, autoescape=True) for c in texts)))
        page = request.args.get("page", "1")
        page = int(page) if page.isdigit() and int(page) > 0 else 1
        rows = db.session.scalars(query.offset((page - 1) * OPTIONS_PAGE).limit(OPTIONS_PAGE + 1)).all()
        return jsonify(
            results=[{"id": row.id, "text": str(row)} for row in rows[:OPTIONS_PAGE]],
            pagination={"more": len(rows) > OPTIONS_PAGE},
        )

    @expose("/export/xlsx")
    @has_access
    def export_xlsx(self):
        """«Экспорт в Excel»: the list's rows under its current filters, search and order, all pages."""
        return excel.list_export(self)

    def export_extra_columns(self):
        """Columns of the card a list leaves out, exported after the list's own."""
        return [c for c in self._shown_columns() if c not in (self.list_columns or [])]

    def _shown_columns(self):
        columns = list(self.list_columns or []) + list(self.show_columns or [])
        for _title, fieldset in self.show_fieldsets or []:
            columns += fieldset.get("fields", [])
        return columns

    def check(self, item):
        if self.entity:
            validation.check(self.entity, item)
