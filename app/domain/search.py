"""The top bar's search: one text finding tenants (any counterparty) by name or INN, contracts by number, invoices
and acts by number, money operations by number or amount — grouped by kind, each kind only
when the caller may read it (the door passes the readable kinds)."""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.models import Act, Contract, Counterparty, Invoice, Payment

LIMIT = 10  # rows per kind; the group links to its list for the rest
KINDS = ("counterparties", "contracts", "invoices", "acts", "payments")
MODELS = {"counterparties": Counterparty, "contracts": Contract, "invoices": Invoice, "acts": Act, "payments": Payment}
_AMOUNT = re.compile(r"^\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")


@dataclass
class Group:
    kind: str
    rows: list
    more: bool  # more than LIMIT rows matched


def amount_in(text):
    """The text as a sum of money («12 500,50», «12500.5»), else None."""
    text = text.strip().removesuffix("₽").strip()
    if not _AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None


def _number_matches(column, term):
    """A document or contract number: the whole number, or its end (1Г-17 for «17» after the
    dash, for «Г-17» anywhere at the end); digits alone never match the end of a longer number."""
    escaped = _escaped(term)
    tail = f"%-{escaped}" if term.isdigit() else f"%{escaped}"
    return or_(column.ilike(escaped, escape="\\"), column.ilike(tail, escape="\\"))


def _escaped(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _criteria(kind, term):
    if kind == "counterparties":
        conditions = [Counterparty.name.icontains(term, autoescape=True)]
        if term.isdigit():
            conditions.append(Counterparty.inn.startswith(term, autoescape=True))
        return or_(*conditions)
    if kind == "payments":
        conditions = [_number_matches(Payment.number, term)]
        amount = amount_in(term)
        if amount is not None:
            conditions.append(Payment.amount == amount)
        return or_(*conditions)
    return _number_matches(MODELS[kind].number, term)


_ORDER = {
    "counterparties": (Counterparty.name, Counterparty.id),
    "contracts": (Contract.date.desc(), Contract.id.desc()),
    "invoices": (Invoice.date.desc(), Invoice.id.desc()),
    "acts": (Act.date.desc(), Act.id.desc()),
    "payments": (Payment.date.desc(), Payment.id.desc()),
}
_LOADED = {
    "contracts": (joinedload(Contract.customer),),
    "invoices": (joinedload(Invoice.customer),),
    "acts": (joinedload(Act.customer),),
}


def search(session, text, kinds=KINDS):
    """The groups of `kinds` (in KINDS order) with rows matching `text`; empty groups left out.
    A text shorter than two characters finds nothing."""
    term = " ".join(text.split())
    if len(term) < 2:
        return []
    groups = []
    for kind in (k for k in KINDS if k in kinds):
        model = MODELS[kind]
        query = select(model).where(_criteria(kind, term)).order_by(*_ORDER[kind]).limit(LIMIT + 1)
        rows = session.scalars(query.options(*_LOADED.get(kind, ()))).all()
        if rows:
            groups.append(Group(kind, rows[:LIMIT], len(rows) > LIMIT))
    return groups
