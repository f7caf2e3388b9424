"""A dataset that hits every needs-attention rule and every boundary, built around any "today",
with the rows each rule must list (by the names given to the rows here)."""
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from app.domain import allocation
from app.domain.enums import ActStatus, ContractStatus, Direction, InvoiceStatus
from tests import factories

# (kind, rule key) -> names of the rows the rule lists; every other row of the dataset is not listed.
EXPECTED = {
    ("contracts", "inactive"): {"draft", "booked", "on signing"},
    ("contracts", "without_original"): {"no original", "no original, 400 days"},
    ("contracts", "not_registered"): {"365 days", "no original, 400 days"},
    ("contracts", "overdue_debt"): {"debtor"},
    ("invoices", "overdue"): {"due yesterday", "partly paid, due yesterday", "no due date"},
    ("invoices", "cancelled_with_payments"): {"cancelled with payment"},
    ("invoices", "not_issued"): {"planned today", "planned yesterday"},
    ("acts", "on_signing"): {"act on signing"},
    ("acts", "not_issued"): {"act planned today"},
    ("money", "not_allocated"): {"unallocated", "partly allocated"},
}
NOT_LISTED = {
    "contracts": {"signed, starts next month", "364 days", "365 days, registered", "open-ended", "cancelled", "payer"},
    "invoices": {"due today", "paid, due yesterday", "cancelled", "planned tomorrow"},
    "acts": {"act signed", "act planned tomorrow"},
    "money": {"fully allocated", "outgoing"},
}


def build(session, today):
    """Create the rows; returns {kind: {name: row}}. Contract numbers are their names."""
    executor, customer = factories.executor(session), factories.customer(session)
    start = today - relativedelta(months=2)
    rows = {"contracts": {}, "invoices": {}, "acts": {}, "money": {}}

    def contract(name, status=ContractStatus.SIGNED.value, days=300, original=True, **fields):
        fields.setdefault("start_date", start)
        fields.setdefault("end_date", fields["start_date"] + timedelta(days=days - 1) if days else None)
        rows["contracts"][name] = factories.contract(
            session, number=name, executor=executor, customer=customer, status=status, has_original=original,
            date=start, **fields,
        )
        return rows["contracts"][name]

    for name, status in (("draft", "draft"), ("booked", "booked"), ("on signing", "on_signing")):
        contract(name, status=status, original=False)  # inactive only: "without original" is for active ones
    next_month = (today + relativedelta(months=1)).replace(day=1)
    contract("signed, starts next month", start_date=next_month, days=200)
    contract("no original", original=False)
    contract("no original, 400 days", original=False, days=400)
    contract("364 days", days=364)
    contract("365 days", days=365)
    contract("365 days, registered", status=ContractStatus.REGISTERED.value, days=365)
    contract("open-ended", days=None)
    contract("cancelled", status=ContractStatus.CANCELLED.value, original=False, days=400)
    debtor = contract("debtor")
    payer = contract("payer")

    def invoice(name, contract_=payer, **fields):
        fields.setdefault("status", InvoiceStatus.ISSUED.value)
        if fields["status"] == InvoiceStatus.PLANNED.value:
            fields.setdefault("number", None)
        rows["invoices"][name] = factories.invoice(session, contract_, **fields)
        return rows["invoices"][name]

    def payment(name, amount="1000.00", **fields):
        rows["money"][name] = factories.payment(session, amount=Decimal(amount), **fields)
        return rows["money"][name]

    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    invoice("due yesterday", debtor, due_date=yesterday)
    partly = invoice("partly paid, due yesterday", debtor, due_date=yesterday)
    # The payer's unpaid invoices are due today or have no due date: no overdue debt.
    invoice("due today", due_date=today)
    invoice("no due date", due_date=None)
    paid = invoice("paid, due yesterday", due_date=yesterday)
    refunded = invoice("cancelled with payment", due_date=yesterday)
    invoice("cancelled", status=InvoiceStatus.CANCELLED.value, due_date=yesterday)
    for name, planned in (("planned today", today), ("planned yesterday", yesterday), ("planned tomorrow", tomorrow)):
        invoice(name, status=InvoiceStatus.PLANNED.value, planned_date=planned, due_date=planned + timedelta(days=5))

    allocation.allocate(session, payment("fully allocated"), paid, paid.amount)
    allocation.allocate(session, payment("partly allocated", amount="2000.00"), refunded, Decimal("300.00"))
    allocation.allocate(session, rows["money"]["partly allocated"], partly, Decimal("100.00"))
    refunded.status = InvoiceStatus.CANCELLED.value  # cancelled after it was paid
    payment("unallocated")
    payment("outgoing", direction=Direction.OUTGOING.value)

    for name, status, planned in (
        ("act on signing", ActStatus.ON_SIGNING.value, yesterday),
        ("act signed", ActStatus.SIGNED.value, yesterday),
        ("act planned today", ActStatus.PLANNED.value, today),
        ("act planned tomorrow", ActStatus.PLANNED.value, tomorrow),
    ):
        number = None if status == ActStatus.PLANNED.value else f"АКТ-{len(rows['acts']) + 1}"
        rows["acts"][name] = factories.act(session, debtor, status=status, planned_date=planned, number=number)
    session.flush()
    return rows
