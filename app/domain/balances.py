"""Money at a glance on the cards: what a contract or a customer owes today (issued invoices
not paid, and the part past its due date), the customer's open invoices and recent money,
and a contract's next planned documents."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select, union

from app.domain.enums import Direction
from app.domain.billing import ACT, INVOICE, MODELS
from app.domain.issuing import in_force, planned
from app.models import Act, Allocation, Invoice, Payment

NEXT_DOCUMENTS = 3
RECENT_PAYMENTS = 10
OPEN_INVOICES = 20


@dataclass
class Debt:
    unpaid: Decimal  # issued invoices not paid yet
    overdue: Decimal  # of it, past the due date


def _unpaid():
    return in_force(INVOICE) & (Invoice.paid_amount < Invoice.amount)


def debt(session, today, contract_id=None, customer_id=None):
    """The debt of one contract or one customer on `today`."""
    left = Invoice.amount - Invoice.paid_amount
    query = select(
        func.coalesce(func.sum(left), 0),
        func.coalesce(func.sum(case((Invoice.due_date < today, left), else_=0)), 0),
    ).where(_unpaid())
    if contract_id is not None:
        query = query.where(Invoice.contract_id == contract_id)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    unpaid, overdue = session.execute(query).one()
    return Debt(Decimal(unpaid), Decimal(overdue))


def open_invoices(session, customer_id):
    """The customer's issued invoices not fully paid, the oldest due first."""
    query = select(Invoice).where(Invoice.customer_id == customer_id, _unpaid())
    return session.scalars(query.order_by(Invoice.due_date, Invoice.id).limit(OPEN_INVOICES)).all()


def unallocated(session, customer):
    """Incoming money from the customer (its INN) not allocated to invoices yet."""
    if not customer.inn:
        return Decimal(0)
    query = select(func.coalesce(func.sum(Payment.amount - Payment.allocated_amount), 0)).where(
        Payment.direction == Direction.INCOMING.value, Payment.payer_inn == customer.inn, Payment.allocated_amount < Payment.amount,
    )
    return Decimal(session.scalar(query))


def recent_payments(session, customer):
    """The customer's latest incoming money: paid from its INN or allocated to its invoices."""
    found = [select(Allocation.payment_id).join(Invoice, Allocation.invoice_id == Invoice.id).where(Invoice.customer_id == customer.id)]
    if customer.inn:
        found.append(select(Payment.id).where(Payment.payer_inn == customer.inn))
    # The ids first: a customer's operations are few, and so the database reads only them.
    ids = session.scalars(union(*found)).all()
    query = select(Payment).where(Payment.id.in_(ids), Payment.direction == Direction.INCOMING.value)
    return session.scalars(query.order_by(Payment.date.desc(), Payment.id.desc()).limit(RECENT_PAYMENTS)).all()


def next_documents(session, contract_id, today):
    """The contract's next planned invoices and acts (planned for today or later), by date."""
    found = []
    for doc in (INVOICE, ACT):
        model = MODELS[doc]
        query = select(model).where(model.contract_id == contract_id, planned(doc), model.planned_date >= today)
        found += session.scalars(query.order_by(model.planned_date, model.id).limit(NEXT_DOCUMENTS)).all()
    return sorted(found, key=lambda d: (d.planned_date, isinstance(d, Act)))[:NEXT_DOCUMENTS]
