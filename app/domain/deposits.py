"""The security deposit (обеспечительный платёж, SPEC §1.9): held, not revenue.

A contract's `deposit_amount` is invoiced once at the start as an invoice of kind `deposit`
(app.domain.billing: no VAT, no act, so no revenue in the reports or the 1C export). What the
landlord holds is what was received — the allocations to the contract's issued deposit invoices —
less the operations recorded on it (`DepositOperation`), each with its PDF as the document:
- an offset pays a named open invoice of the contract from the deposit (its paid sum grows
  through app.domain.allocation.offset, and the penalties count it from its date);
- a refund returns money to the tenant (the reconciliation act shows it as a debit).
An operation is refused above the held balance: never more than was received.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from app.domain import allocation, billing, issuing
from app.domain.enums import N_, DepositOperationKind
from app.errors import ValidationFailed
from app.models import Contract, DepositOperation, Invoice

OFFSET, REFUND = DepositOperationKind.OFFSET.value, DepositOperationKind.REFUND.value
ZERO = Decimal("0.00")


@dataclass
class Deposit:
    """A contract's deposit on a day: agreed, invoiced, received, what the operations took, held."""

    contract: Contract
    invoiced: Decimal = ZERO
    received: Decimal = ZERO
    operations: list = field(default_factory=list)

    def _total(self, kind):
        return sum((op.amount for op in self.operations if op.kind == kind), ZERO)

    @property
    def agreed(self):
        return self.contract.deposit_amount or ZERO

    @property
    def offset(self):
        return self._total(OFFSET)

    @property
    def refunded(self):
        return self._total(REFUND)

    @property
    def held(self):
        return self.received - self.offset - self.refunded

    def after(self, operation):
        """The deposit as it stood right after `operation` (its notice states that)."""
        upto = self.operations[:self.operations.index(operation) + 1]
        return Deposit(self.contract, self.invoiced, self.received, upto)


def _deposit_invoices(contract_ids):
    of = () if contract_ids is None else (Invoice.contract_id.in_(contract_ids),)
    return (*of, Invoice.kind == billing.DEPOSIT, issuing.in_force(billing.INVOICE))


def state(session, contract):
    """The contract's deposit now (a Deposit), its operations in date order."""
    invoiced, received = session.execute(
        select(func.coalesce(func.sum(Invoice.amount), 0), func.coalesce(func.sum(Invoice.paid_amount), 0))
        .where(*_deposit_invoices([contract.id]))
    ).one()
    operations = session.scalars(
        select(DepositOperation).where(DepositOperation.contract_id == contract.id)
        .order_by(DepositOperation.date, DepositOperation.id)
    ).all()
    return Deposit(contract, Decimal(invoiced), Decimal(received), list(operations))


def held_by_contract(session, contract_ids=None):
    """{contract_id: held deposit} for the contracts holding one (cards and reports; None: of
    every contract, so a report of thousands binds no list of ids)."""
    received = dict(session.execute(
        select(Invoice.contract_id, func.sum(Invoice.paid_amount)).where(*_deposit_invoices(contract_ids))
        .group_by(Invoice.contract_id)
    ).all())
    used = dict(session.execute(
        select(DepositOperation.contract_id, func.sum(DepositOperation.amount))
        .where(*(() if contract_ids is None else (DepositOperation.contract_id.in_(contract_ids),)))
        .group_by(DepositOperation.contract_id)
    ).all())
    held = {pk: Decimal(total) - Decimal(used.get(pk) or 0) for pk, total in received.items()}
    return {pk: amount for pk, amount in held.items() if amount > 0}


def open_invoices(session, contract):
    """The contract's issued invoices an offset may pay: not deposits, something left unpaid."""
    return session.scalars(
        select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind != billing.DEPOSIT,
                              issuing.in_force(billing.INVOICE), Invoice.paid_amount < Invoice.amount)
        .order_by(Invoice.due_date, Invoice.id)
    ).all()


def _amount(value):
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\xa0", ""))
    except ArithmeticError:
        raise ValidationFailed({"amount": [N_("Сумма — число в рублях, например 15000.50")]}) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed({"amount": [N_("Сумма должна быть больше нуля, с точностью до копейки")]})
    return amount


def record(session, contract, kind, amount, day, invoice_id=None, user_id=None, comment=None):
    """Record an offset (against `invoice_id`) or a refund of the held deposit on `day`; refused
    (ValidationFailed by field, nothing changed) above what is held, or for an offset, to an
    invoice that is not an open one of this contract or above what is left unpaid of it."""
    issuing.lock_contracts(session, [contract.id])  # two operations at once never both pass the check
    amount = _amount(amount)
    if kind not in (OFFSET, REFUND):
        raise ValidationFailed({"kind": [N_("Выберите зачёт или возврат")]})
    held = state(session, contract).held
    if amount > held:
        raise ValidationFailed({"amount": [N_("Сумма больше удерживаемого обеспечительного платежа: ") + f"{held}"]})
    if kind == OFFSET:
        if invoice_id not in {invoice.id for invoice in open_invoices(session, contract)}:
            raise ValidationFailed({"invoice": [N_("Выберите неоплаченный выставленный счёт этого договора")]})
        allocation.offset(session, invoice_id, amount)
    else:
        invoice_id = None
    operation = DepositOperation(contract_id=contract.id, kind=kind, date=day, amount=amount, invoice_id=invoice_id,
                                 created_by_id=user_id, comment=comment or None)
    session.add(operation)
    session.flush()
    return operation
