"""Dates given as text (a CLI option, a query parameter, a job argument): YYYY-MM-DD, one message;
and dates as people type them (ДД.ММ.ГГГГ), ISO still accepted."""
from datetime import date, datetime

from app.domain.enums import N_
from app.errors import DomainError

NOT_A_DATE = N_("%(name)s: ожидается дата в виде ГГГГ-ММ-ДД, получено «%(value)s»")


class NotADate(DomainError):
    """`value`, given as `name`, is no YYYY-MM-DD date; `params` fill NOT_A_DATE (for gettext)."""

    def __init__(self, name, value):
        self.params = {"name": name, "value": value}
        super().__init__(NOT_A_DATE % self.params)


def iso_date(value, name):
    """The date written as YYYY-MM-DD in `value`, else NotADate naming the input `name`."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise NotADate(name, value) from None


def typed_date(value, name):
    """The date typed as ДД.ММ.ГГГГ (or carried by a link as YYYY-MM-DD), else NotADate."""
    try:
        return datetime.strptime(value.strip(), "%d.%m.%Y").date()
    except (AttributeError, ValueError):
        return iso_date(value, name)
