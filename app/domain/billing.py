"""Billing periods and amounts (SPEC §1.4): the pure arithmetic of the schedule — a contract's
billing periods, the dates of their invoices and acts, the lines billing a span of days, and
the drafts (documents wanted) for a contract given what is already covered. No session, no
database: the schedule (app.domain.schedule) and issuing (app.domain.issuing) read and write.

For every billing period of a contract (calendar months, or monthly periods counted from the
start date) the schedule wants one invoice and one act for the days of the period that no
issued document covers, and one deposit invoice, with the first rent invoice and no later
than the start."""
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from app.domain import numbering
from app.domain.contracts import end_in_force, rent_changes
from app.domain.enums import BillingPeriod, DocumentKind, InvoicedPeriod, VatMode
from app.domain.proration import ONE_DAY, add_months, days, prorate, split, uncovered
from app.domain.vat import with_vat
from app.models import Act, ActLine, Invoice, InvoiceLine

INVOICE, ACT = numbering.INVOICE, numbering.ACT  # the two documents a contract bills with
MODELS = {INVOICE: Invoice, ACT: Act}
LINE_MODELS = {INVOICE: (InvoiceLine, "invoice_id"), ACT: (ActLine, "act_id")}
RENT, DEPOSIT = DocumentKind.RENT.value, DocumentKind.DEPOSIT.value
FROM_START = BillingPeriod.FROM_START.value
INVOICE_MONTH_SHIFT = {InvoicedPeriod.NEXT.value: -1, InvoicedPeriod.CURRENT.value: 0, InvoicedPeriod.PREVIOUS.value: 1}
HORIZON_MONTHS = 12  # open-ended contracts are planned this far ahead of today
ZERO = Decimal("0.00")
MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]


@dataclass(frozen=True)
class Period:
    """A billing period: `start`..`end` are the days of the term in it, `full_start`..`full_end`
    the whole period, whose length is the denominator of proration."""

    start: date
    end: date
    full_start: date
    full_end: date

    @property
    def length(self):
        return days(self.full_start, self.full_end)


@dataclass
class Line:
    name: str
    period_start: date
    period_end: date
    amount: Decimal
    vat_amount: Decimal

    def values(self):
        return (self.name, self.period_start, self.period_end, self.amount, self.vat_amount)


@dataclass
class Draft:
    """A document the schedule wants: to plan, or to issue now."""

    doc: str  # INVOICE or ACT
    kind: str
    period_start: date
    period_end: date
    planned_date: date
    lines: list
    period_key: Optional[date] = None  # the billing period's full_start (None for a deposit)

    @property
    def amount(self):
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def vat_amount(self):
        return sum((line.vat_amount for line in self.lines), ZERO)


@dataclass
class Coverage:
    """What a contract's issued documents already bill: day ranges per document, and the deposit."""

    ranges: dict = field(default_factory=lambda: {INVOICE: [], ACT: []})
    deposit: bool = False



def doc_of(document):
    """INVOICE or ACT: which kind of document (for numbering and statuses) an invoice or act is."""
    return INVOICE if isinstance(document, Invoice) else ACT



# --- periods and dates -------------------------------------------------------------------

def _full_period(contract, k):
    """The k-th billing period of the contract, whole (k = 0 holds the start date)."""
    if contract.billing_period == FROM_START:
        return add_months(contract.start_date, k), add_months(contract.start_date, k + 1) - ONE_DAY
    first = add_months(contract.start_date.replace(day=1), k)
    return first, add_months(first, 1) - ONE_DAY


def _in_term(contract, k, end):
    """The k-th period cut to the term (None when the term has no day in it)."""
    full_start, full_end = _full_period(contract, k)
    start, stop = max(full_start, contract.start_date), full_end if end is None else min(full_end, end)
    return Period(start, stop, full_start, full_end) if start <= stop else None


def periods(contract, today):
    """The contract's billing periods over its term (open-ended: those starting within
    HORIZON_MONTHS of today)."""
    end = end_in_force(contract)
    last_start = end if end is not None else add_months(today, HORIZON_MONTHS)
    result, k = [], 0
    while _full_period(contract, k)[0] <= last_start:
        period = _in_term(contract, k, end)
        if period is not None:
            result.append(period)
        k += 1
    return result


def first_period(contract):
    return _in_term(contract, 0, end_in_force(contract))


def _index(contract, day):
    """Which billing period (k) holds `day`, the term not considered."""
    k = (day.year - contract.start_date.year) * 12 + day.month - contract.start_date.month
    while _full_period(contract, k)[0] > day:
        k -= 1
    while _full_period(contract, k)[1] < day:
        k += 1
    return k


def period_key(contract, day):
    """The full_start of the billing period that holds `day`: documents link to it."""
    return _full_period(contract, _index(contract, day))[0]


def period_of(contract, day):
    """The billing period holding `day`, or None when the day is outside the term."""
    period = _in_term(contract, _index(contract, day), end_in_force(contract))
    return period if period is not None and period.start <= day <= period.end else None


def _day_of(month_first, day):
    return month_first.replace(day=min(day, monthrange(month_first.year, month_first.month)[1]))


def invoice_date(contract, period):
    """The invoice for a period is planned on the invoice day of the month before it (next),
    of its own month (current) or of the month after it (previous), not before the contract's date."""
    month = add_months(period.full_start.replace(day=1), INVOICE_MONTH_SHIFT.get(contract.invoiced_period, 0))
    planned = _day_of(month, contract.invoice_day or 1)
    return planned if contract.date is None else max(planned, contract.date)  # never before the contract


def due_date(contract, issued_on):
    """Payment day of the month (the first one on or after the invoice), else the payment term in days."""
    if contract.payment_day:
        due = _day_of(issued_on.replace(day=1), contract.payment_day)
        return due if due >= issued_on else _day_of(add_months(issued_on.replace(day=1), 1), contract.payment_day)
    if contract.payment_term_days is not None:
        return issued_on + timedelta(days=contract.payment_term_days)
    return None


# --- amounts -----------------------------------------------------------------------------

def _label(contract, period, first, last):
    if contract.billing_period != FROM_START and (first, last) == (period.full_start, period.full_end):
        return f"за {MONTHS[first.month - 1]} {first.year} г."
    return f"за период с {first:%d.%m.%Y} по {last:%d.%m.%Y}"


def _line(contract, name, first, last, net, vat_mode=None):
    total, vat = with_vat(net, vat_mode or contract.vat_mode, contract.vat_rate)
    return Line(name, first, last, total, vat)


def lines_for(contract, period, first, last, changes=None):
    """The lines billing days first..last of a period: rent by the rent in force on each day
    (one line per rent), then each extra service, each prorated and with VAT by the terms."""
    changes = changes if changes is not None else rent_changes(contract)
    lines = [
        _line(contract, f"Арендная плата {_label(contract, period, a, b)}", a, b, prorate(rent, days(a, b), period.length))
        for a, b, rent in split(first, last, changes)
    ]
    label = _label(contract, period, first, last)
    for service in contract.services:
        net = prorate(service.monthly_amount, days(first, last), period.length)
        lines.append(_line(contract, f"{service.name} {label}", first, last, net))
    return [line for line in lines if line.amount]


def rent_draft(contract, period, doc, covered, changes):
    gaps = uncovered(period.start, period.end, covered.ranges[doc])
    lines = [line for first, last in gaps for line in lines_for(contract, period, first, last, changes)]
    if not lines:
        return None
    planned = invoice_date(contract, period) if doc == INVOICE else period.end
    return Draft(doc, RENT, gaps[0][0], gaps[-1][1], planned, lines, period.full_start)


def deposit_draft(contract):
    """A deposit is invoiced once, with the first rent invoice and no later than the start."""
    if not contract.deposit_amount or contract.deposit_amount <= 0:
        return None
    first = first_period(contract)
    planned = contract.start_date if first is None else min(invoice_date(contract, first), contract.start_date)
    name = f"Обеспечительный платёж по договору № {contract.number} от {contract.date:%d.%m.%Y}"
    line = _line(contract, name, contract.start_date, contract.start_date, contract.deposit_amount, VatMode.NONE.value)
    return Draft(INVOICE, DEPOSIT, contract.start_date, contract.start_date, planned, [line])


def plan(contract, today, covered=None):
    """Every document the schedule wants for the contract, given what is already covered."""
    covered = covered or Coverage()
    changes = rent_changes(contract)
    drafts = [deposit_draft(contract)] if not covered.deposit else []
    drafts += [rent_draft(contract, period, doc, covered, changes) for period in periods(contract, today) for doc in (INVOICE, ACT)]
    return [draft for draft in drafts if draft is not None]
