"""List and show formatters: money, dates, Russian labels of enums, yes/no."""
from decimal import Decimal

from flask_babel import gettext, lazy_gettext
from markupsafe import Markup, escape

from app.domain.words import format_amount


def short(text, limit=80):
    """A long text cut for a list column, with an ellipsis."""
    if not text:
        return ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def blank_none(value):
    """Empty fields show as empty, not as "None"."""
    return "" if value is None else value


def money(value):
    """1234567.5 -> «1 234 567,50 ₽» (non-breaking spaces, so a sum never wraps)."""
    if value is None or value == "":
        return ""
    return Markup(f'<span class="money">{format_amount(value, "&nbsp;")}&nbsp;₽</span>')


def area(value):
    if value is None or value == "":
        return ""
    return Markup(f"{escape(str(value)).replace('.', ',')}&nbsp;м²")


def date_ru(value):
    return value.strftime("%d.%m.%Y") if value else ""


def moment(value):
    """A stored moment (UTC) to the minute: «27.11.2026 21:31»."""
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


def yes_no(value):
    return gettext("Да") if value else gettext("Нет")


def enum_label(enum_cls):
    def fmt(value):
        return gettext(enum_cls.label_of(value)) if value else ""

    fmt.enum = enum_cls  # the export writes the label too (views/excel.py)
    return fmt


def number(value):
    """A decimal as Russians write it: 16.5000 -> «16,5»."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def percent(value):
    if value is None:
        return ""
    return Markup(f"{(Decimal(value) * 100).normalize():f}&nbsp;%".replace(".", ","))


def enum_choices(enum_cls):
    """Select choices with translated labels."""
    return [(value, lazy_gettext(label)) for value, label in enum_cls.choices()]
