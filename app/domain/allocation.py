"""Allocation of money operations to invoices (разноска) and the paid sums it keeps.

`Invoice.paid_amount` and `Payment.allocated_amount` are the sums of allocations (an invoice's
also counts what a security deposit offset paid of it, `offset`); only this module changes them. An allocation never exceeds what is left of its operation or
of its invoice, never goes to a cancelled invoice, and only incoming money is allocated.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import inspect, select

from app import bulk

from app.domain.enums import N_, Direction, InvoiceStatus
from app.errors import DomainError, ValidationFailed
from app.models import Allocation, Invoice, Payment
from app.timeutil import utcnow
from app.vocabulary.amounts import payment_state  # noqa: F401  (callers name it here)

ZERO = Decimal("0.00")


def left_to_allocate(payment):
    """Incoming money from outside with something not allocated yet: one row's answer to the
    needs-attention rule «Не разнесено» (app.domain.attention, which asks it in SQL)."""
    return (payment.direction == Direction.INCOMING.value and not payment.internal_transfer
            and payment.allocated_amount < payment.amount)


def _locked(session, model, pk):
    """The row, locked against concurrent allocation where the database can (PostgreSQL)."""
    return session.execute(select(model).where(model.id == pk).with_for_update()).scalar_one()


def _previous_amount(allocation):
    history = inspect(allocation).attrs.amount.history
    if inspect(allocation).persistent and history.deleted:
        return history.deleted[0]
    return ZERO if not inspect(allocation).persistent else allocation.amount


def _refusals(direction, invoice_status, delta, payment_left, invoice_left):
    """What forbids moving `delta` from an operation with `payment_left` unallocated to an invoice with
    `invoice_left` unpaid: {field: [messages]}, empty when nothing does."""
    errors = {}
    if direction != Direction.INCOMING.value:
        errors.setdefault("payment", []).append(N_("Разносить можно только поступления"))
    if invoice_status == InvoiceStatus.CANCELLED.value and delta > 0:
        errors.setdefault("invoice", []).append(N_("Счёт отменён: на него нельзя разносить оплату"))
    if invoice_status == InvoiceStatus.PLANNED.value and delta > 0:
        errors.setdefault("invoice", []).append(N_("Счёт ещё не выставлен"))
    if delta > payment_left:
        errors.setdefault("amount", []).append(N_("Сумма больше нераспределённого остатка операции: ") + f"{payment_left}")
    if delta > invoice_left:
        errors.setdefault("amount", []).append(N_("Сумма больше неоплаченного остатка счёта: ") + f"{invoice_left}")
    return errors


def apply(session, allocation):
    """Validate a new or changed allocation and move the paid sums by its change."""
    previous = _previous_amount(allocation)  # before any query autoflushes the change away
    payment_id = allocation.payment_id or (allocation.payment and allocation.payment.id)
    invoice_id = allocation.invoice_id or (allocation.invoice and allocation.invoice.id)
    if payment_id is None or invoice_id is None:
        raise ValidationFailed({"payment": [N_("Укажите операцию и счёт")]})
    amount = Decimal(allocation.amount or 0)
    if amount <= 0:
        raise ValidationFailed({"amount": [N_("Сумма разноски должна быть больше нуля")]})
    payment = _locked(session, Payment, payment_id)
    invoice = _locked(session, Invoice, invoice_id)
    delta = amount - previous
    errors = _refusals(payment.direction, invoice.status, delta, payment.amount - payment.allocated_amount,
                       invoice.amount - invoice.paid_amount)
    if payment.internal_transfer and delta > 0:
        errors.setdefault("payment", []).append(N_("Перевод между своими счетами не оплачивает счета: его не разносят"))
    if errors:
        raise ValidationFailed(errors)
    payment.allocated_amount += delta
    invoice.paid_amount += delta
    allocation.payment_id, allocation.invoice_id = payment.id, invoice.id
    session.add(allocation)
    session.flush()
    return allocation


def release(session, allocation):
    """Undo an allocation: the paid sums go back down. The caller deletes the row."""
    payment = _locked(session, Payment, allocation.payment_id)
    invoice = _locked(session, Invoice, allocation.invoice_id)
    payment.allocated_amount -= allocation.amount
    invoice.paid_amount -= allocation.amount
    if payment.allocated_amount < 0 or invoice.paid_amount < 0:
        raise DomainError(N_("Суммы разноски не сходятся; обратитесь к администратору"))


def allocate(session, payment, invoice, amount, user_id=None, automatic=False):
    """Allocate `amount` of `payment` to `invoice` (adding to an existing allocation of the pair)."""
    existing = session.scalar(
        select(Allocation).where(Allocation.payment_id == payment.id, Allocation.invoice_id == invoice.id)
    )
    if existing is not None:
        existing.amount = existing.amount + Decimal(amount)
        return apply(session, existing)
    return apply(
        session,
        Allocation(payment_id=payment.id, invoice_id=invoice.id, amount=Decimal(amount), created_by_id=user_id, automatic=automatic),
    )


def offset(session, invoice_id, amount):
    """Pay `amount` of an invoice from a held security deposit (app.domain.deposits): its paid sum
    grows as by an allocation and is refused the same way (issued only, not above what is unpaid)."""
    invoice = _locked(session, Invoice, invoice_id)
    errors = _refusals(Direction.INCOMING.value, invoice.status, amount, amount, invoice.amount - invoice.paid_amount)
    if errors:
        raise ValidationFailed(errors)
    invoice.paid_amount += amount
    return invoice


def unallocate(session, allocation):
    release(session, allocation)
    session.delete(allocation)
    session.flush()


@dataclass
class Plan:
    """Allocations checked and ready to write: their rows, and what each kept sum gains."""

    rows: list = field(default_factory=list)
    added: dict = field(default_factory=lambda: {Payment: defaultdict(Decimal), Invoice: defaultdict(Decimal)})


def plan(session, items, user_id=None, automatic=False, unsaved=None):
    """Check allocations in bulk: `items` are (payment_id, invoice_id, amount) pairs not yet linked, e.g.
    a statement's auto-allocation. The rules of `apply` hold for every item, in order (two items share
    what is left); one failing refuses them all. `unsaved` maps payment ids to the rows of operations
    the caller inserts before `write` (an import): their `allocated_amount` is set in the row here."""
    unsaved = unsaved or {}
    payments = {pk: (row["direction"], row["amount"] - row["allocated_amount"]) for pk, row in unsaved.items()}
    # {id: (direction or status, what is left)}, compact: a statement may bring tens of thousands
    payments.update(_locked_left(session, Payment, {p for p, _, _ in items if p not in unsaved},
                                 Payment.direction, Payment.allocated_amount))
    invoices = _locked_left(session, Invoice, {i for _, i, _ in items}, Invoice.status, Invoice.paid_amount)
    result, errors, now = Plan(), {}, utcnow()
    for payment_id, invoice_id, amount in items:
        (direction, payment_left), (status, invoice_left) = payments[payment_id], invoices[invoice_id]
        if amount <= 0:
            errors.setdefault("amount", []).append(N_("Сумма разноски должна быть больше нуля"))
        for name, messages in _refusals(direction, status, amount, payment_left, invoice_left).items():
            errors.setdefault(name, []).extend(messages)
        payments[payment_id], invoices[invoice_id] = (direction, payment_left - amount), (status, invoice_left - amount)
        result.added[Invoice][invoice_id] += amount
        if payment_id in unsaved:
            unsaved[payment_id]["allocated_amount"] += amount
        else:
            result.added[Payment][payment_id] += amount
        result.rows.append(dict(payment_id=payment_id, invoice_id=invoice_id, amount=amount, created_by_id=user_id,
                                automatic=automatic, created_at=now))
    if errors:
        raise ValidationFailed(errors)
    return result


def write(session, planned):
    """Insert a plan's allocations and move the kept sums by what they add."""
    for start in range(0, len(planned.rows), bulk.CHUNK):
        bulk.insert_rows(session, Allocation.__table__, planned.rows[start:start + bulk.CHUNK])
    bulk.announce(session, "allocation", [(row["payment_id"], row["invoice_id"]) for row in planned.rows])
    for model, column in ((Payment, "allocated_amount"), (Invoice, "paid_amount")):
        added = planned.added[model]
        bulk.add_to(session, model.__table__, column, added)
        for obj in list(session.identity_map.values()):  # objects already loaded would show the old sums
            if isinstance(obj, model) and obj.id in added:
                session.expire(obj)
    return len(planned.rows)


def allocate_many(session, items, user_id=None, automatic=False):
    """`plan` and `write` at once, for operations already stored."""
    return write(session, plan(session, items, user_id=user_id, automatic=automatic))


def _locked_left(session, model, ids, kind, kept):
    """{id: (kind, amount - kept sum)} of the rows, locked like `_locked`."""
    found = {}
    for clause in bulk.where_in(session, model.id, ids):
        query = select(model.id, kind, model.amount - kept).where(clause).with_for_update()
        found.update((pk, (value, left)) for pk, value, left in session.execute(query))
    return found
