"""The top bar's search: one text finding tenants (any counterparty) by name or INN, contracts
by number, invoices and acts by number (with or without the executor's prefix), money
operations by their exact number or amount — grouped by kind, each kind only when the caller
may read it (the door passes the readable kinds)."""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.models import Act, Contract, Counterparty, Invoice, Payment

LIMIT = 10  # rows per kind; the page says when there are more
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
    """A contract's number: the whole number, or its end («АР-26/17» for «17» after the slash or
    a dash, for «26/17» anywhere at the end); digits alone never match the end of a longer number."""
    escaped = _escaped(term)
    tails = [f"%-{escaped}", f"%/{escaped}"] if term.isdigit() else [f"%{escaped}"]
    return or_(*(column.ilike(pattern, escape="\\") for pattern in [escaped, *tails]))


def _escaped(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _document_numbers(session, model, term):
    """An invoice or act number as typed (any case), or its executor's prefix and the typed
    number («17» finds А-17): exact numbers per executor, so the unique index answers."""
    executors = session.execute(select(Counterparty.id, Counterparty.doc_prefix).where(Counterparty.is_executor)).all()
    typed = {term, term.upper(), term.lower()}
    numbers = typed | {f"{prefix}{number}" for _, prefix in executors if prefix for number in typed}
    return model.executor_id.in_([id_ for id_, _ in executors]) & model.number.in_(sorted(numbers))


def _criteria(session, kind, term):
    """The condition finding `term` among rows of `kind`; None when it cannot be one of them
    (a number has a digit)."""
    if kind != "counterparties" and not any(c.isdigit() for c in term):
        return None
    if kind == "counterparties":
        conditions = [Counterparty.name.icontains(term, autoescape=True)]
        if term.isdigit():
            conditions.append(Counterparty.inn.startswith(term, autoescape=True))
        return or_(*conditions)
    if kind == "contracts":
        return _number_matches(Contract.number, term)
    if kind == "payments":
        conditions = [Payment.number == term]  # a bank's number: digits, exactly as on the statement
        amount = amount_in(term)
        if amount is not None:
            conditions.append(Payment.amount == amount)
        return or_(*conditions)
    return _document_numbers(session, MODELS[kind], term)


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
        model, criteria = MODELS[kind], _criteria(session, kind, term)
        if criteria is None:
            continue
        query = select(model).where(criteria).order_by(*_ORDER[kind]).limit(LIMIT + 1)
        rows = session.scalars(query.options(*_LOADED.get(kind, ()))).all()
        if rows:
            groups.append(Group(kind, rows[:LIMIT], len(rows) > LIMIT))
    return groups
