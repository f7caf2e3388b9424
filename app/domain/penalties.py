"""Penalties for late payment (пени, SPEC §1.9): what a contract's overdue invoices accrue on a
day, the penalty invoice that charges it, and the monthly charge of the nightly job.

Two conventions, chosen per contract (`penalty_mode`):
- `percent_per_day`: each overdue day accrues the amount outstanding that day × `penalty_rate` / 100;
- `key_rate` (ст. 395 ГК РФ): the Bank of Russia key rate in force that day / 100 / the days in
  that year (365 or 366).
The first overdue day is the day after the due date plus `penalty_grace_days`. The day a payment
arrives still accrues on the amount outstanding before it (Пленум ВС РФ № 7 от 24.03.2016,
п. 48): a payment counts from the day after its date. `penalty_cap_percent` caps each invoice's
penalty at that percent of its amount. The sum is exact (fractions) and rounded to kopecks once,
per invoice.

Penalty invoices are their own document kind (`penalty`), never accrue penalties themselves, and
name on each line the invoice they charge for (`InvoiceLine.source_invoice_id`): what has been
charged is what issued penalty invoices hold for it, so a second charge bills only the rest.

Entry points: `penalty_on(session, contract, day)` (the card, the CLI, the debtors report),
`listing(session, day)` (`flask penalties list`), `charge(session, contract, today)` («Выставить
пени»), `monthly_step` (the nightly job).
"""
import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import floor
from pathlib import Path

from sqlalchemy import func, select

from app.domain import billing, issuing
from app.domain.enums import ACTIVE_CONTRACT, N_, DocumentKind, InvoiceStatus, PenaltyMode
from app.errors import DomainError
from app.models import Allocation, Contract, DepositOperation, Invoice, InvoiceLine, KeyRate, Payment

KEY_RATES_CSV = Path(__file__).resolve().parent / "data" / "key_rates.csv"
PENALTY = DocumentKind.PENALTY.value
NONE, PER_DAY, KEY_RATE = PenaltyMode.NONE.value, PenaltyMode.PERCENT_PER_DAY.value, PenaltyMode.KEY_RATE.value
ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


# --- the key rate ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def shipped_key_rates():
    """[(start_date, rate)] of the history shipped with the code (its source named in the file)."""
    with open(KEY_RATES_CSV, encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple((date.fromisoformat(row["start_date"]), Decimal(row["rate"])) for row in rows)


def key_rates(session):
    """[(start_date, rate)] in date order: the shipped history, with the rates the Owner added
    in settings (a rate the Owner gave for a date replaces the shipped one)."""
    rates = dict(shipped_key_rates())
    rates.update((row.start_date, row.rate) for row in session.scalars(select(KeyRate)))
    return sorted(rates.items())


def rate_on(rates, day):
    """The key rate in force on `day` (None before the first one)."""
    found = None
    for start, rate in rates:
        if start > day:
            break
        found = rate
    return found


def _days_in_year(year):
    return 366 if date(year, 12, 31).timetuple().tm_yday == 366 else 365


# --- one invoice -------------------------------------------------------------------------

@dataclass
class Span:
    """Consecutive overdue days with the same outstanding amount and rate."""

    start: date
    end: date
    outstanding: Decimal
    rate: Decimal  # percent per day, or the key rate (percent per year)
    year_days: int = 0  # key rate: the days of the year the span lies in
    exact: Fraction = Fraction(0)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def amount(self):
        """The span's share, rounded for display only (the invoice's total is rounded once)."""
        return round_kopecks(self.exact)


@dataclass
class Accrual:
    """What one overdue invoice accrued by a day."""

    invoice: Invoice
    first_day: date
    spans: list = field(default_factory=list)
    capped: bool = False
    amount: Decimal = ZERO  # rounded once
    charged: Decimal = ZERO  # by issued penalty invoices

    @property
    def to_charge(self):
        return max(self.amount - self.charged, ZERO)


def round_kopecks(value):
    """An exact fraction of rubles to kopecks, half up (as app.vocabulary.amounts.kopecks)."""
    cents = Fraction(value) * 100
    whole = floor(cents + Fraction(1, 2)) if cents >= 0 else -floor(-cents + Fraction(1, 2))
    return (Decimal(whole) / 100).quantize(Decimal("0.01"))


def first_overdue_day(due, grace_days):
    return due + timedelta(days=1 + (grace_days or 0))


def accrue(amount, due, payments, day, mode, rate=None, grace_days=0, cap_percent=None, rates=()):
    """(spans, exact total, capped) of an invoice of `amount` due on `due`, paid by `payments`
    [(date, sum)], by the end of `day`. Pure: the rules of the module docstring."""
    if mode == NONE or due is None:
        return [], Fraction(0), False
    first = first_overdue_day(due, grace_days)
    paid_by = sorted(payments)
    spans, current = [], first
    while current <= day:
        outstanding = Decimal(amount) - sum((s for d, s in paid_by if d < current), Decimal(0))
        if outstanding <= 0:
            break
        if mode == PER_DAY:
            per_day, year_days = Decimal(rate or 0), 0
            share = Fraction(outstanding) * Fraction(per_day) / 100
        else:
            per_day, year_days = rate_on(rates, current), _days_in_year(current.year)
            if per_day is None:
                raise DomainError(N_("Нет ключевой ставки Банка России на день просрочки: добавьте её в «Настройки → Ключевая ставка»"))
            share = Fraction(outstanding) * Fraction(per_day) / 100 / year_days
        last = spans[-1] if spans else None
        if last and (last.outstanding, last.rate, last.year_days) == (outstanding, per_day, year_days) and last.end + ONE_DAY == current:
            last.end, last.exact = current, last.exact + share
        else:
            spans.append(Span(current, current, outstanding, per_day, year_days, share))
        current += ONE_DAY
    total = sum((s.exact for s in spans), Fraction(0))
    if cap_percent is not None:
        cap = Fraction(Decimal(amount)) * Fraction(Decimal(cap_percent)) / 100
        if total > cap:
            return spans, cap, True
    return spans, total, False


def _payments(session, invoice_ids):
    """{invoice_id: [(payment date, allocated sum)]}: allocations, and offsets of a security deposit."""
    result = {}
    if invoice_ids:
        rows = session.execute(
            select(Allocation.invoice_id, Payment.date, Allocation.amount)
            .join(Payment, Payment.id == Allocation.payment_id).where(Allocation.invoice_id.in_(invoice_ids))
            .union_all(select(DepositOperation.invoice_id, DepositOperation.date, DepositOperation.amount)
                       .where(DepositOperation.invoice_id.in_(invoice_ids)))
        )
        for invoice_id, day, amount in rows:
            result.setdefault(invoice_id, []).append((day, amount))
    return result


def _charged(session, invoice_ids):
    """{invoice_id: what issued penalty invoices charged for it}."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(InvoiceLine.source_invoice_id, func.sum(InvoiceLine.amount))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.source_invoice_id.in_(invoice_ids), Invoice.kind == PENALTY, issuing.in_force(billing.INVOICE))
        .group_by(InvoiceLine.source_invoice_id)
    )
    return {invoice_id: Decimal(total) for invoice_id, total in rows}


# --- a contract --------------------------------------------------------------------------

@dataclass
class ContractPenalty:
    contract: Contract
    day: date
    overdue: Decimal = ZERO  # outstanding on invoices past their due date, at the end of the day
    accruals: list = field(default_factory=list)

    @property
    def penalty(self):
        return sum((a.amount for a in self.accruals), ZERO)

    @property
    def charged(self):
        return sum((a.charged for a in self.accruals), ZERO)

    @property
    def to_charge(self):
        return sum((a.to_charge for a in self.accruals), ZERO)


def _accruing_invoices(session, contract_ids):
    return session.scalars(
        select(Invoice).where(
            Invoice.contract_id.in_(contract_ids), issuing.in_force(billing.INVOICE), Invoice.kind != PENALTY,
            Invoice.due_date.is_not(None),
        ).order_by(Invoice.due_date, Invoice.id)
    ).all()


def penalty_on(session, contract, day, rates=None, invoices=None, payments=None, charged=None):
    """What the contract's overdue invoices accrued by the end of `day` (a ContractPenalty): per
    invoice the day spans, rates, the rounded penalty and what was already charged; and the
    overdue debt. The one rule the card, the CLI, the claim letter and the debtors report read."""
    result = ContractPenalty(contract, day)
    invoices = _accruing_invoices(session, [contract.id]) if invoices is None else invoices
    ids = [inv.id for inv in invoices]
    payments = _payments(session, ids) if payments is None else payments
    charged = _charged(session, ids) if charged is None else charged
    mode = contract.penalty_mode or NONE
    if mode == KEY_RATE and rates is None:
        rates = key_rates(session)
    for invoice in invoices:
        paid = payments.get(invoice.id, [])
        if invoice.due_date < day:
            result.overdue += max(invoice.amount - sum((s for d, s in paid if d <= day), ZERO), ZERO)
        if mode == NONE:
            continue
        spans, exact, capped = accrue(
            invoice.amount, invoice.due_date, paid, day, mode, contract.penalty_rate,
            contract.penalty_grace_days, contract.penalty_cap_percent, rates or (),
        )
        if spans or charged.get(invoice.id):
            result.accruals.append(Accrual(
                invoice, first_overdue_day(invoice.due_date, contract.penalty_grace_days), spans, capped,
                round_kopecks(exact), charged.get(invoice.id, ZERO),
            ))
    return result


def listing(session, day):
    """`penalties list`: the active contracts with penalty terms and an overdue debt or a
    penalty on `day`, with the total penalty."""
    contracts = session.scalars(
        select(Contract).where(Contract.status.in_(ACTIVE_CONTRACT), Contract.penalty_mode != NONE).order_by(Contract.id)
    ).all()
    invoices = {}
    for invoice in _accruing_invoices(session, [c.id for c in contracts]) if contracts else []:
        invoices.setdefault(invoice.contract_id, []).append(invoice)
    ids = [i.id for group in invoices.values() for i in group]
    payments, charged = _payments(session, ids), _charged(session, ids)
    rates = key_rates(session)
    rows, total = [], ZERO
    for contract in contracts:
        found = penalty_on(session, contract, day, rates, invoices.get(contract.id, []), payments, charged)
        if found.overdue or found.penalty:
            rows.append({"id": contract.id, "number": contract.number, "overdue": found.overdue,
                         "penalty": found.penalty, "charged": found.charged})
            total += found.penalty
    return {"contracts": rows, "total": total}


# --- charging ----------------------------------------------------------------------------

def _line_name(accrual):
    invoice = accrual.invoice
    last = accrual.spans[-1].end if accrual.spans else accrual.first_day
    return (f"Пени за просрочку оплаты счёта № {invoice.number} от {invoice.date:%d.%m.%Y} "
            f"за период с {accrual.first_day:%d.%m.%Y} по {last:%d.%m.%Y}")


def charge(session, contract, today, accrued_by=None):
    """«Выставить пени»: a penalty invoice (no act, no VAT) for what the contract's invoices
    accrued by `accrued_by` (default: today) and no penalty invoice charged yet, issued like any
    document (app.domain.issuing: the contract locked, the executor's next number, today's date)."""
    if (contract.penalty_mode or NONE) == NONE:
        raise DomainError(N_("В договоре не заданы пени"))
    issuing.lock_contracts(session, [contract.id])  # before reading what was charged
    accrued_by = accrued_by or today
    found = penalty_on(session, contract, accrued_by)
    due = [a for a in found.accruals if a.to_charge > 0]
    if not due:
        raise DomainError(N_("Нет начисленных и ещё не выставленных пеней"))
    lines = [
        InvoiceLine(position=n, name=_line_name(a), period_start=a.first_day, period_end=a.spans[-1].end if a.spans else accrued_by,
                    amount=a.to_charge, vat_amount=ZERO, source_invoice_id=a.invoice.id)
        for n, a in enumerate(due, 1)
    ]
    invoice = Invoice(
        contract=contract, kind=PENALTY, status=InvoiceStatus.ISSUED.value,
        period_start=min(line.period_start for line in lines), period_end=max(line.period_end for line in lines),
        amount=sum((line.amount for line in lines), ZERO), vat_amount=ZERO, due_date=billing.due_date(contract, today),
        lines=lines, comment="Пени по договору № %s" % contract.number,
    )
    issuing.issue_document(session, invoice, today)
    session.flush()
    return invoice


def monthly_step(session, day, summary):
    """Nightly: on the 1st of a month, contracts that say so (`penalty_monthly`) get a penalty
    invoice for what accrued by the day before and was not charged yet; one contract's refusal
    or failure does not stop the others."""
    if day.day != 1:
        return {"issued": 0, "invoice_ids": []}
    ids = session.scalars(
        select(Contract.id).where(Contract.status.in_(ACTIVE_CONTRACT), Contract.penalty_mode != NONE,
                                  Contract.penalty_monthly.is_(True)).order_by(Contract.id)
    ).all()
    issued, failed = [], []
    for contract_id in ids:
        try:
            invoice = charge(session, session.get(Contract, contract_id), day, accrued_by=day - ONE_DAY)
            session.commit()
            issued.append(invoice.id)
        except DomainError:
            session.rollback()
        except Exception as error:  # reported; the others go on
            session.rollback()
            failed.append({"contract_id": contract_id, "error": str(error) or repr(error)})
    return {"issued": len(issued), "invoice_ids": issued, "failed": failed}
