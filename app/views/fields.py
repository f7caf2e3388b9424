"""Form fields in Russian formats: dates shown and typed as дд.мм.гггг (ISO still accepted),
numbers with a decimal comma and grouped thousands (1 234,56; a dot or spaces accepted too),
VAT rates as percent (22, stored as the share 0.22). `russian_fields(form, datamodel)` puts
them in place of the fields FAB's form converter made, keeping their validators."""
from decimal import Decimal

from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_babel import lazy_gettext as _
from markupsafe import Markup
from wtforms import DateField, DecimalField
from wtforms.fields.core import UnboundField
from wtforms.widgets import TextInput, html_params

from app.domain.words import format_amount, parse_number
from app.models.base import RATE

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]  # the first one is shown


class RussianDatePicker(DatePickerWidget):
    """FAB's date picker (made Russian by static/arenda/locale-ru.js) with the format as placeholder."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        kwargs.setdefault("placeholder", _("дд.мм.гггг"))
        kwargs.setdefault("autocomplete", "off")
        # FAB's widget prints the date object (ISO); the field's own text is дд.мм.гггг.
        return Markup(self.data_template.replace('data-format="yyyy-MM-dd"', 'data-format="dd.MM.yyyy"')
                      % {"text": html_params(type="text", value=field._value(), **kwargs)})


class RussianDateField(DateField):
    widget = RussianDatePicker()

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        kwargs.pop("widget", None)
        super().__init__(label, validators, format=format or DATE_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Дата в виде дд.мм.гггг, например 01.12.2026")) from None


class NumberInput(TextInput):
    """FAB's text input (the label as placeholder), right-aligned, with the decimal keypad on phones."""

    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control money-input"
        kwargs.setdefault("inputmode", "decimal")
        if field.label:
            kwargs.setdefault("placeholder", field.label.text)
        return super().__call__(field, **kwargs)


class RussianNumberField(DecimalField):
    """A sum, area or percent: «1 234,56» shown; «1 234,56», «37076,95», «1234.56» accepted."""

    widget = NumberInput()
    scale = 2

    def __init__(self, label=None, validators=None, scale=2, **kwargs):
        kwargs.pop("widget", None)
        kwargs.pop("places", None)
        super().__init__(label, validators, places=None, **kwargs)
        self.scale = scale

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        number = parse_number(valuelist[0])
        if number is None:
            self.data = None
            raise ValueError(_("Число в виде 1 234,56"))
        self.data = self.stored(number)

    def stored(self, number):
        return number

    def shown(self, value):
        return value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        value = self.shown(Decimal(self.data))
        if self.scale == 2:
            return format_amount(value)
        return f"{value.normalize():f}".replace(".", ",")


class ShareAsPercentField(RussianNumberField):
    """A VAT rate kept as a share (0.22) and typed as percent (22)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, scale=4, **kwargs)

    def stored(self, number):
        return number / 100

    def shown(self, value):
        return value * 100

    def __call__(self, **kwargs):
        return super().__call__(**kwargs) + " %"


def _replacement(unbound, column):
    if issubclass(unbound.field_class, DateField) and unbound.field_class is not RussianDateField:
        return UnboundField(RussianDateField, *unbound.args, **unbound.kwargs)
    if unbound.field_class is DecimalField and column is not None:
        if column.type is RATE:
            return UnboundField(ShareAsPercentField, *unbound.args, **unbound.kwargs)
        scale = getattr(column.type, "scale", None) or 2
        return UnboundField(RussianNumberField, *unbound.args, scale=scale, **unbound.kwargs)
    return None


def russian_fields(form, datamodel):
    """The form class with its date and decimal fields in Russian formats."""
    table = getattr(datamodel.obj, "__table__", None)
    for name, unbound in list(vars(form).items()):
        if not isinstance(unbound, UnboundField):
            continue
        column = table.c.get(name) if table is not None else None
        replacement = _replacement(unbound, column)
        if replacement is not None:
            replacement.creation_counter = unbound.creation_counter  # the form keeps its order
            setattr(form, name, replacement)
    return form
