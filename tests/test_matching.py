"""Auto-allocation (SPEC §1.6) rule by rule and tie by tie, through a real import; the number-in-purpose
test; the bulk allocation's refusals; suggestions for manual allocation."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import allocation, matching
from app.errors import ValidationFailed
from app import timeutil
from app.imports import loader
from app.models import Allocation, Payment
from tests import factories
from tests.statements import document, statement


@pytest.fixture()
def lease(session):
    executor = factories.executor(session)
    tenant = factories.customer(session)
    return factories.contract(session, executor=executor, customer=tenant)


def side(party, **fields):
    account = party.bank_accounts[0].account if party.bank_accounts else f"40702810{party.id:012d}"  # our executor's own
    values = dict(name=party.name, inn=party.inn, kpp=party.kpp or "", account=account, bik="044525225")
    values.update(fields)
    return values


def import_payment(session, lease, amount="1000.00", purpose="Оплата аренды", payer=None, recipient=None):
    data = statement([document(1, date(2026, 2, 3), amount, payer or side(lease.customer), recipient or side(lease.executor), purpose)])
    batch = loader.import_file(session, data, today=timeutil.today())
    session.flush()
    payment = session.scalars(select(Payment).where(Payment.batch_id == batch.id)).one()
    return payment, [(a.invoice_id, a.amount) for a in session.scalars(select(Allocation).where(Allocation.payment_id == payment.id))]


def test_customer_executor_and_amount_match(session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("1000.00"))

    payment, allocated = import_payment(session, lease)

    assert allocated == [(invoice.id, Decimal("1000.00"))]
    session.refresh(invoice)
    assert (payment.allocated_amount, invoice.paid_amount, invoice.payment_state) == (Decimal("1000.00"), Decimal("1000.00"), "paid")


@pytest.mark.parametrize("change", [
    dict(amount="999.99"),
    dict(payer_inn="7703000018"),
    dict(payer_kpp="770301001"),
    dict(recipient_inn="7705000019"),
    dict(recipient_kpp="770501001"),
], ids=["other amount", "other payer INN", "other payer KPP", "other recipient INN", "other recipient KPP"])
def test_each_condition_is_needed(session, lease, change):
    factories.invoice(session, lease, amount=Decimal("1000.00"))
    payer = side(lease.customer, inn=change.get("payer_inn", lease.customer.inn), kpp=change.get("payer_kpp", lease.customer.kpp))
    recipient = side(lease.executor, inn=change.get("recipient_inn", lease.executor.inn),
                     kpp=change.get("recipient_kpp", lease.executor.kpp))

    _, allocated = import_payment(session, lease, amount=change.get("amount", "1000.00"), payer=payer, recipient=recipient)

    assert allocated == []


def test_kpp_compared_only_where_both_have_one(session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("1000.00"))

    _, allocated = import_payment(session, lease, payer=side(lease.customer, kpp=""))

    assert allocated == [(invoice.id, Decimal("1000.00"))]


@pytest.mark.parametrize("status, paid", [("cancelled", "0"), ("planned", "0"), ("issued", "1000.00"), ("issued", "400.00")],
                         ids=["cancelled", "planned", "paid", "partly paid"])
def test_never_to_a_cancelled_planned_or_paid_invoice(session, lease, status, paid):
    invoice = factories.invoice(session, lease, amount=Decimal("1000.00"), status="issued")
    if paid != "0":
        allocation.allocate(session, factories.payment(session, amount=Decimal(paid)), invoice, Decimal(paid))
    invoice.status = status
    session.flush()

    _, allocated = import_payment(session, lease)

    assert allocated == []


def test_the_invoice_named_in_the_purpose_wins_a_tie(session, lease):
    february = factories.invoice(session, lease, number="А-57", amount=Decimal("1000.00"))
    factories.invoice(session, lease, number="А-58", amount=Decimal("1000.00"), period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))

    _, allocated = import_payment(session, lease, purpose="Оплата по счёту A57 за февраль")  # Latin A, no hyphen

    assert allocated == [(february.id, Decimal("1000.00"))]


@pytest.mark.parametrize("purpose", ["Оплата аренды", "Оплата по счетам А-57 и А-58", "Оплата по счёту А-570"],
                         ids=["none named", "both named", "a longer number"])
def test_a_tie_still_ambiguous_stays_not_allocated(session, lease, purpose):
    factories.invoice(session, lease, number="А-57", amount=Decimal("1000.00"))
    factories.invoice(session, lease, number="А-58", amount=Decimal("1000.00"), period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))

    payment, allocated = import_payment(session, lease, purpose=purpose)

    assert allocated == []
    assert payment.allocated_amount == 0


def test_within_one_import_an_invoice_is_paid_once(session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("1000.00"))
    pay = [document(n, date(2026, 2, 3), "1000.00", side(lease.customer), side(lease.executor), f"Оплата {n}") for n in (1, 2)]

    batch = loader.import_file(session, statement(pay), today=timeutil.today())

    assert (batch.allocated, batch.not_allocated) == (1, 1)
    assert session.scalars(select(Allocation.invoice_id)).all() == [invoice.id]


def test_a_bank_as_payer_is_not_auto_allocated(session, lease):
    factories.invoice(session, lease, amount=Decimal("1000.00"))
    bank = side(lease.customer, account="30233810000000000001")  # even with the tenant's INN: a bank's transit account

    payment, allocated = import_payment(session, lease, payer=bank)

    assert payment.payer_is_bank and allocated == []


@pytest.mark.parametrize("number, purpose, named", [
    ("А-57", "Оплата по счету № А-57 от 25.03.2026", True),
    ("А-57", "оплата по сч а57", True),
    ("А-57", "Оплата по счету А 57", True),
    ("А-57", "Оплата по счету № 57", True),
    ("А-57", "Оплата по счету N57", True),
    ("А-57", "Оплата по счету 57", False),
    ("А-57", "Оплата по счету А-157", False),
    ("А-57", "Оплата по счету А-570", False),
    ("А-57", "Оплата по счету Б-57", False),
    ("57", "Оплата по счету 57 от 01.02.2026", True),
    ("57", "Оплата за 2057 год", False),
    ("2026/А-5", "счёт 2026/А-5 оплачен", True),
    ("", "Оплата", False),
])
def test_number_named_in_purpose(number, purpose, named):
    assert matching.number_named(number, purpose) is named


def test_choose_is_the_rule_over_candidates():
    a, b = matching.Candidate(1, "А-1", "", "770101001"), matching.Candidate(2, "А-2", "", "770101001")

    assert matching.choose([a], "", "770101001", "") == (a, None)
    assert matching.choose([a], "", "770201001", "")[0] is None  # the executor's KPP differs
    assert matching.choose([a, b], "", "", "за А-2") == (b, None)
    assert matching.choose([a, b], "", "", "аренда")[1].startswith(matching.AMBIGUOUS)


def test_bulk_allocation_refuses_outgoing_and_too_much_together(session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("100.00"))
    out = factories.payment(session, direction="outgoing", amount=Decimal("50.00"))
    big = factories.payment(session, amount=Decimal("500.00"))

    with pytest.raises(ValidationFailed) as refused:
        allocation.allocate_many(session, [(out.id, invoice.id, Decimal("50.00")), (big.id, invoice.id, Decimal("500.00"))])

    assert "Разносить можно только поступления" in refused.value.errors["payment"]
    assert any("неоплаченного остатка счёта" in m for m in refused.value.errors["amount"])
    assert session.scalars(select(Allocation)).all() == []


def test_bulk_allocation_shares_what_is_left(session, lease):
    first, second = (factories.invoice(session, lease, amount=Decimal("600.00")) for _ in range(2))
    payment = factories.payment(session, amount=Decimal("1000.00"))

    with pytest.raises(ValidationFailed, match="нераспределённого остатка операции: 400.00"):
        allocation.allocate_many(session, [(payment.id, first.id, Decimal("600.00")), (payment.id, second.id, Decimal("600.00"))])

    allocation.allocate_many(session, [(payment.id, first.id, Decimal("600.00")), (payment.id, second.id, Decimal("400.00"))])
    session.refresh(payment)
    session.refresh(second)
    assert (payment.allocated_amount, second.paid_amount, second.payment_state) == (Decimal("1000.00"), Decimal("400.00"), "partly")


def test_suggestions_same_customer_unpaid_best_first(session, lease):
    exact = factories.invoice(session, lease, amount=Decimal("1000.00"), due_date=date(2026, 3, 5))
    older = factories.invoice(session, lease, amount=Decimal("600.00"), due_date=date(2026, 1, 5))
    named = factories.invoice(session, lease, amount=Decimal("3000.00"), due_date=date(2026, 4, 5))
    factories.invoice(session, lease, amount=Decimal("1000.00"), status="cancelled")
    paid = factories.invoice(session, lease, amount=Decimal("1000.00"))
    allocation.allocate(session, factories.payment(session), paid, Decimal("1000.00"))
    factories.invoice(session, amount=Decimal("1000.00"))  # another tenant's
    payment = factories.payment(session, amount=Decimal("1000.00"), payer_inn=lease.customer.inn, payer_kpp=lease.customer.kpp,
                                purpose=f"Оплата по счёту {named.number}")

    found = matching.suggestions(session, payment)

    assert [s.invoice.id for s in found] == [named.id, exact.id, older.id]
    assert [(s.named, s.fits, s.amount) for s in found] == [(True, False, Decimal("1000.00")), (False, True, Decimal("1000.00")),
                                                            (False, True, Decimal("600.00"))]


def test_suggestions_for_a_card_payment_by_the_payers_name(session, lease):
    person = factories.customer(session, kind="person", name="Смирнова Мария Андреевна", inn=None, kpp=None)
    invoice = factories.invoice(session, factories.contract(session, executor=lease.executor, customer=person), amount=Decimal("500.00"))
    payment = factories.payment(session, amount=Decimal("500.00"), payer_name="Смирнова Мария Андреевна", payer_inn="7707083893",
                                payer_is_bank=True)

    assert [s.invoice.id for s in matching.suggestions(session, payment)] == [invoice.id]
