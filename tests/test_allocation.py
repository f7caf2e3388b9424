"""Allocation keeps paid sums and refuses what would break them."""
from decimal import Decimal

import pytest

from app.domain import allocation
from app.errors import ValidationFailed
from tests import factories


def test_allocations_move_paid_sums_and_undo_restores_them(session):
    invoice = factories.invoice(session, amount=Decimal("1000.00"))
    payment = factories.payment(session, amount=Decimal("1500.00"))
    first = allocation.allocate(session, payment, invoice, Decimal("400.00"))
    allocation.allocate(session, payment, invoice, Decimal("600.00"))
    assert first.amount == Decimal("1000.00")  # the same pair accumulates
    assert (invoice.paid_amount, payment.allocated_amount, invoice.payment_state) == (Decimal("1000.00"), Decimal("1000.00"), "paid")
    allocation.unallocate(session, first)
    assert (invoice.paid_amount, payment.allocated_amount, invoice.payment_state) == (Decimal("0.00"), Decimal("0.00"), "unpaid")


@pytest.mark.parametrize("invoice_fields, payment_fields, amount, field", [
    ({}, {"amount": Decimal("300")}, Decimal("400"), "amount"),  # more than the payment holds
    ({"amount": Decimal("100")}, {}, Decimal("150"), "amount"),  # more than the invoice needs
    ({"status": "cancelled"}, {}, Decimal("10"), "invoice"),
    ({"status": "planned", "number": None}, {}, Decimal("10"), "invoice"),
    ({}, {"direction": "outgoing"}, Decimal("10"), "payment"),
    ({}, {"internal_transfer": True}, Decimal("10"), "payment"),  # a transfer between our own accounts pays nothing
])
def test_refused_allocations_change_nothing(session, invoice_fields, payment_fields, amount, field):
    invoice = factories.invoice(session, **invoice_fields)
    payment = factories.payment(session, **payment_fields)
    with pytest.raises(ValidationFailed) as error:
        allocation.allocate(session, payment, invoice, amount)
    assert field in error.value.errors
    assert invoice.paid_amount == 0 and payment.allocated_amount == 0


def test_partial_payment_state(session):
    invoice = factories.invoice(session, amount=Decimal("1000.00"))
    allocation.allocate(session, factories.payment(session), invoice, Decimal("1.00"))
    assert invoice.payment_state == "partly"
