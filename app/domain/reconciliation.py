"""The reconciliation act (акт сверки взаиморасчётов, SPEC §1.9) between an executor and a
customer, optionally for one contract, over a period.

Debit (what the customer owes for) is the acts — the accounting documents — on signing or
signed, and the issued penalty invoices, each by its date. Credit is the incoming payments from
that customer (its INN, and its KPP where both sides have one) to that executor, allocated or
not, internal transfers aside, by payment date; for one contract, only what is allocated to
that contract's invoices. A security deposit received is such a payment; its refund to the
customer is a debit (an offset against an invoice moves nothing between the two sides). The opening balance is debit − credit before the period; the closing
one adds the period's turnover. A positive balance means the customer owes.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from app.domain import billing, issuing
from app.domain.enums import N_, DepositOperationKind, Direction, DocumentKind
from app.domain.matching import kpp_agrees
from app.errors import DomainError
from app.models import Act, Allocation, Contract, Counterparty, DepositOperation, Invoice, Payment

ZERO = Decimal("0.00")


@dataclass
class Entry:
    day: date
    text: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass
class Reconciliation:
    executor: Counterparty
    customer: Counterparty
    contract: Optional[Contract]
    start: date
    end: date
    opening: Decimal = ZERO
    entries: list = field(default_factory=list)

    @property
    def debit(self):
        return sum((e.debit for e in self.entries), ZERO)

    @property
    def credit(self):
        return sum((e.credit for e in self.entries), ZERO)

    @property
    def closing(self):
        return self.opening + self.debit - self.credit

    def as_json(self):
        return {"opening": self.opening, "debit": self.debit, "credit": self.credit, "closing": self.closing}


def _document_text(kind, document):
    return f"{kind} № {document.number} от {document.date:%d.%m.%Y}"


def _debits(session, executor, customer, contract, until):
    acts = select(Act).where(Act.executor_id == executor.id, Act.customer_id == customer.id,
                             issuing.in_force(billing.ACT), Act.date <= until)
    penalties = select(Invoice).where(Invoice.executor_id == executor.id, Invoice.customer_id == customer.id,
                                      Invoice.kind == DocumentKind.PENALTY.value, issuing.in_force(billing.INVOICE),
                                      Invoice.date <= until)
    if contract is not None:
        acts = acts.where(Act.contract_id == contract.id)
        penalties = penalties.where(Invoice.contract_id == contract.id)
    refunds = select(DepositOperation).join(Contract, Contract.id == DepositOperation.contract_id).where(
        Contract.executor_id == executor.id, Contract.customer_id == customer.id,
        DepositOperation.kind == DepositOperationKind.REFUND.value, DepositOperation.date <= until)
    if contract is not None:
        refunds = refunds.where(DepositOperation.contract_id == contract.id)
    for refund in session.scalars(refunds):
        yield Entry(refund.date, f"Возврат обеспечительного платежа от {refund.date:%d.%m.%Y}", debit=refund.amount)
    for act in session.scalars(acts):
        yield Entry(act.date, _document_text("Акт", act), debit=act.amount)
    for invoice in session.scalars(penalties):
        yield Entry(invoice.date, _document_text("Счёт на пени", invoice), debit=invoice.amount)


def _payment_text(payment):
    return f"Оплата, п/п № {payment.number or '—'} от {payment.date:%d.%m.%Y}"


def _credits(session, executor, customer, contract, until):
    if contract is not None:
        rows = session.execute(
            select(Payment, Allocation.amount).join(Allocation, Allocation.payment_id == Payment.id)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(Invoice.contract_id == contract.id, Payment.date <= until)
        )
        totals = {}
        for payment, amount in rows:
            totals[payment] = totals.get(payment, ZERO) + amount
        for payment, amount in totals.items():
            yield Entry(payment.date, _payment_text(payment), credit=amount)
        return
    payments = session.scalars(select(Payment).where(
        Payment.direction == Direction.INCOMING.value, Payment.internal_transfer.is_(False),
        Payment.payer_inn == customer.inn, Payment.recipient_inn == executor.inn, Payment.date <= until,
    ))
    for payment in payments:
        if kpp_agrees(payment.payer_kpp, customer.kpp) and kpp_agrees(payment.recipient_kpp, executor.kpp):
            yield Entry(payment.date, _payment_text(payment), credit=payment.amount)


def reconcile(session, executor, customer, start, end, contract=None):
    """The act between `executor` and `customer` (and only `contract`, when given) for start..end."""
    if end < start:
        raise DomainError(N_("Конец периода сверки раньше его начала"))
    if contract is not None and (contract.executor_id, contract.customer_id) != (executor.id, customer.id):
        raise DomainError(N_("Договор заключён не между этим исполнителем и этим заказчиком"))
    result = Reconciliation(executor, customer, contract, start, end)
    entries = list(_debits(session, executor, customer, contract, end)) + list(_credits(session, executor, customer, contract, end))
    entries.sort(key=lambda e: (e.day, e.credit > 0, e.text))  # documents before payments on one day
    for entry in entries:
        if entry.day < start:
            result.opening += entry.debit - entry.credit
        else:
            result.entries.append(entry)
    return result


def find_parties(session, executor_inn, customer_inn, contract_number=None):
    """(executor, customer, contract or None) by INN and contract number, or a clear refusal."""
    executor = session.scalars(select(Counterparty).where(Counterparty.inn == executor_inn, Counterparty.is_executor.is_(True))).first()
    if executor is None:
        raise DomainError(f"Исполнитель с ИНН {executor_inn} не найден")
    customer = session.scalars(select(Counterparty).where(Counterparty.inn == customer_inn)).first()
    if customer is None:
        raise DomainError(f"Заказчик с ИНН {customer_inn} не найден")
    contract = None
    if contract_number:
        contract = session.scalars(select(Contract).where(
            Contract.executor_id == executor.id, Contract.customer_id == customer.id, Contract.number == contract_number,
        )).first()
        if contract is None:
            raise DomainError(f"Договор № {contract_number} между этими сторонами не найден")
    return executor, customer, contract
