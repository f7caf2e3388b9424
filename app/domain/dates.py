"""Dates given as text (a CLI option, a query parameter, a job argument): YYYY-MM-DD, one message."""
from datetime import date

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
