"""List filters in Russian formats: a date typed as дд.мм.гггг (FAB reads it month first), a sum
with a comma, and a status or kind chosen from its Russian labels (FAB would compare the typed
text with the stored code, so «Черновик» found nothing and "draft" the drafts)."""
from flask_appbuilder.models.sqla import filters as fab
from wtforms import SelectField

from app.domain import dates
from app.domain.words import parse_number
from app.views.formatters import enum_choices


def _day(value):
    try:
        return dates.typed_date(value, "")
    except dates.NotADate:
        return value  # FAB's own parsing, then no filter


class _Typed:
    """Turns the typed value into the column's type before FAB's filter compares it."""

    def apply(self, query, value):
        if self.datamodel.is_date(self.column_name):
            value = _day(value)
        elif self.datamodel.is_numeric(self.column_name):
            number = parse_number(value)
            value = value if number is None else number
        return super().apply(query, value)


def _typed(filter_class):
    return type(filter_class.__name__, (_Typed, filter_class), {})


TYPED_FILTERS = [_typed(f) for f in (fab.FilterEqual, fab.FilterGreater, fab.FilterSmaller, fab.FilterNotEqual)]
CHOICE_FILTERS = [fab.FilterEqual, fab.FilterNotEqual]


def converter_for(enum_columns, base=fab.SQLAFilterConverter):
    """The view's filter converter (`base`) with our date and number filters, and only «equal» /
    «not equal» for the `enum_columns` (chosen from a list)."""

    base = getattr(base, "russian_base", base)  # a view built again (another app) is not wrapped twice

    class RussianFilterConverter(base):
        russian_base = base
        conversion_table = tuple(
            (marker, TYPED_FILTERS if marker in ("is_date", "is_numeric") else filters)
            for marker, filters in fab.SQLAFilterConverter.conversion_table
        )

        def convert(self, col_name):
            if col_name in enum_columns:
                return [item(col_name, self.datamodel) for item in CHOICE_FILTERS]
            return super().convert(col_name)

    return RussianFilterConverter


def choice_fields(enum_columns, labels):
    """Search form fields: a select of Russian labels per enum column."""
    return {column: SelectField(labels.get(column, column), choices=enum_choices(enum_cls))
            for column, enum_cls in enum_columns.items()}
