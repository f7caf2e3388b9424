"""«Требующие внимания» on the admin lists: a filter per rule plus one for any rule, the
reasons column, and the one-click switch above the list. The rules are app.domain.attention's.

FAB's ModelView ignores `search_filters` and looks URL filters (`_flt_<i>_<column>`) up among
the filters its converter gives each column, so the filters live on a pseudo-column
`attention`: a converter returns them (at most five: the URL index is one digit) and the
datamodel adds that column to the ones URL filters may name.
"""
import functools
import re
from urllib.parse import urlencode

from flask import request, url_for
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup
from wtforms import BooleanField

from app.domain import attention
from app.timeutil import today
from app.views.widgets import ArendaListWidget

COLUMN = "attention"
ON = "y"  # what the switch and the filter form's checkbox send
_ARG = re.compile(rf"^_flt_\d_{COLUMN}$")


class AttentionFilter(BaseFilter):
    """Rows needing attention by any rule of their kind; `rule_filter` makes one per rule."""

    name = _("Любая причина")
    rule = None

    def apply(self, query, value):
        if self.rule is not None:
            return query.filter(self.rule.predicate(today()))
        return query.filter(attention.predicate(attention.kind_of(self.model), today()))


@functools.cache
def rule_filter(rule):
    # A class per rule: FAB re-creates filters from their class when it builds the query.
    return type(f"AttentionFilter_{rule.kind}_{rule.key}", (AttentionFilter,), {"rule": rule, "name": _(rule.label)})


class AttentionFilterConverter(SQLAFilterConverter):
    def convert(self, col_name):
        if col_name != COLUMN:
            return super().convert(col_name)
        kind = attention.kind_of(self.datamodel.obj)
        classes = [AttentionFilter] + [rule_filter(rule) for rule in attention.rules_for(kind)]
        return [cls(COLUMN, self.datamodel) for cls in classes]


class AttentionInterface(SQLAInterface):
    """The datamodel of a list with «Требующие внимания»: its filters, and the reasons of each row."""

    filter_converter_class = AttentionFilterConverter

    def get_filters(self, search_columns=None, search_filters=None):
        filters = super().get_filters(search_columns, search_filters)
        if self.obj in attention.KINDS.values():  # FAB builds related models' datamodels with this class too
            filters._all_filters[COLUMN] = self.filter_converter_class(self).convert(COLUMN)
        return filters

    def query_count(self, query, filters=None, select_columns=None):
        """A list filtered by «Требующие внимания» alone is counted from the rules' partial indexes
        (attention.count, as the start page counts); with other filters too, FAB counts the query."""
        applied = filters.filters if filters is not None else []
        if len(applied) == 1 and isinstance(applied[0], AttentionFilter) and self.obj in attention.KINDS.values():
            rule = applied[0].rule
            return attention.count(self.session, attention.kind_of(self.obj), today(), rule.key if rule else None)
        return super().query_count(query, filters, select_columns)

    def get_values(self, lst, list_columns):
        """Row values, with the reasons of the page's rows found in one query."""
        if COLUMN not in list_columns:
            return list(super().get_values(lst, list_columns))
        kind = attention.kind_of(self.obj)
        found = attention.reasons(self.session, kind, [item.id for item in lst], today())
        rows = list(super().get_values(lst, list_columns))
        for item, row in zip(lst, rows):
            row[COLUMN] = [gettext(label) for label in found.get(item.id, [])]
        return rows


def filter_index(datamodel, rule_key=None):
    """The URL index of the filter by this rule (None: any rule) on the `attention` column."""
    for index, candidate in enumerate(AttentionFilterConverter(datamodel).convert(COLUMN)):
        if (candidate.rule.key if candidate.rule else None) == rule_key:
            return index
    raise KeyError(rule_key)


def list_url(view, rule_key=None):
    """The view's list filtered by one rule, or by any rule."""
    args = {f"_flt_{filter_index(view.datamodel, rule_key)}_{COLUMN}": ON}
    return url_for(f"{view.__class__.__name__}.list", **args)


def reasons_html(reasons):
    return Markup("").join(Markup('<div class="attention-reason text-danger">{}</div>').format(r) for r in reasons or [])


class AttentionListWidget(ArendaListWidget):
    """The list with the switch «Требующие внимания» above it, keeping the other filters
    (not on a card's list of related rows)."""

    template = "arenda/widgets/attention_list.html"

    def __call__(self, **kwargs):
        view_name = self.template_args["modelview_name"]
        filters = self.template_args["filters"]
        if any(flt.is_related_view for flt in filters.filters):
            return super().__call__(attention_switch_url=None, **kwargs)
        kept = [(k, v) for k, v in request.args.items(multi=True) if not _ARG.match(k) and k != f"page_{view_name}"]
        switched_on = any(isinstance(flt, AttentionFilter) for flt in filters.filters)
        if not switched_on:
            kept.append((f"_flt_{filter_index(filters.datamodel)}_{COLUMN}", ON))
        kwargs["attention_on"] = switched_on
        kwargs["attention_switch_url"] = url_for(f"{view_name}.list") + (f"?{urlencode(kept)}" if kept else "")
        return super().__call__(**kwargs)


class AttentionMixin:
    """Mix into a list's ModelView (first) to give it «Требующие внимания»."""

    list_widget = AttentionListWidget

    def __init__(self, **kwargs):
        self.datamodel = AttentionInterface(self.datamodel.obj)  # so the view's own line stays SQLAInterface(Model)
        self.search_columns = [COLUMN] + [c for c in self.search_columns or [] if c != COLUMN]
        self.search_form_extra_fields = {
            **(self.search_form_extra_fields or {}), COLUMN: BooleanField(_("Требующие внимания")),
        }
        self.list_columns = [c for c in self.list_columns if c != COLUMN] + [COLUMN]
        self.label_columns = {**(self.label_columns or {}), COLUMN: _("Требует внимания")}
        self.formatters_columns = {**(self.formatters_columns or {}), COLUMN: reasons_html}
        super().__init__(**kwargs)
