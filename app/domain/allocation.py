"""Allocation of money operations to invoices (разноска) and the paid sums it keeps.

`Invoice.paid_amount` and `Payment.allocated_amount` are the sums of allocations; only
this module changes them. An allocation never exceeds what is left of its operation or
of its invoice, never goes to a cancelled invoice, and only incoming money is allocated.
"""
from decimal import Decimal

from sqlalchemy import inspect, select

from app.domain.enums import N_, Direction, InvoiceStatus, PaymentState
from app.errors import DomainError, ValidationFailed
from app.models import Allocation, Invoice, Payment

ZERO = Decimal("0.00")


def payment_state(amount, paid):
    if paid is None or paid <= 0:
        return PaymentState.UNPAID.value
    if paid >= amount:
        return PaymentState.PAID.value
    return PaymentState.PARTLY.value


def _locked(session, model, pk):
    """The row, locked against concurrent allocation where the database can (PostgreSQL)."""
    return session.execute(select(model).where(model.id == pk).with_for_update()).scalar_one()


def _previous_amount(allocation):
    history = inspect(allocation).attrs.amount.history
    if inspect(allocation).persistent and history.deleted:
        return history.deleted[0]
    return ZERO if not inspect(allocation).persistent else allocation.amount


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
    errors = {}
    if payment.direction != Direction.INCOMING.value:
        errors.setdefault("payment", []).append(N_("Разносить можно только поступления"))
    if invoice.status == InvoiceStatus.CANCELLED.value and delta > 0:
        errors.setdefault("invoice", []).append(N_("Счёт отменён: на него нельзя разносить оплату"))
    if invoice.status == InvoiceStatus.PLANNED.value and delta > 0:
        errors.setdefault("invoice", []).append(N_("Счёт ещё не выставлен"))
    if delta > payment.amount - payment.allocated_amount:
        errors.setdefault("amount", []).append(
            N_("Сумма больше нераспределённого остатка операции: ") + f"{payment.amount - payment.allocated_amount}"
        )
    if delta > invoice.amount - invoice.paid_amount:
        errors.setdefault("amount", []).append(
            N_("Сумма больше неоплаченного остатка счёта: ") + f"{invoice.amount - invoice.paid_amount}"
        )
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


def unallocate(session, allocation):
    release(session, allocation)
    session.delete(allocation)
    session.flush()
