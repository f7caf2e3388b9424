"""The security deposit (SPEC §1.9, issue 16 item 3): held what was received on the deposit
invoice, offset against a named open invoice or refunded, never above what is held; the
operation's PDF, the card, the reconciliation act and the penalties following it."""
from datetime import date
from decimal import Decimal

import pytest

from app.domain import allocation, deposits, penalties, reconciliation
from app.domain.enums import DepositOperationKind, DocumentKind, InvoiceStatus, PenaltyMode
from app.errors import ValidationFailed
from app.exports import pdf
from app.models import DepositOperation, Invoice
from tests import factories
from tests.test_pdf import text as pdf_text

D = Decimal
OFFSET, REFUND = DepositOperationKind.OFFSET.value, DepositOperationKind.REFUND.value


def _held(session, received="100000.00", **contract_fields):
    """A contract with a 100 000,00 deposit invoice of which `received` was paid."""
    contract = factories.contract(session, deposit_amount=D("100000.00"), **contract_fields)
    invoice = factories.invoice(session, contract, kind=DocumentKind.DEPOSIT.value, amount=D("100000.00"),
                                period_start=date(2026, 1, 1), period_end=date(2026, 1, 1))
    payer = dict(payer_inn=contract.customer.inn, payer_kpp=contract.customer.kpp,
                 recipient_inn=contract.executor.inn, recipient_kpp=contract.executor.kpp)
    allocation.allocate(session, factories.payment(session, date=date(2026, 1, 10), amount=D(received), **payer), invoice, D(received))
    return contract


def test_held_is_what_was_received_on_the_deposit_invoice(session):
    contract = _held(session, received="60000.00")
    found = deposits.state(session, contract)
    assert (found.agreed, found.invoiced, found.received, found.held) == (D("100000.00"), D("100000.00"), D("60000.00"), D("60000.00"))
    assert deposits.held_by_contract(session, [contract.id]) == {contract.id: D("60000.00")}


def test_offset_pays_the_named_invoice_and_lowers_the_held_balance(session):
    contract = _held(session)
    rent = factories.invoice(session, contract, amount=D("45678.91"))

    operation = deposits.record(session, contract, OFFSET, "30000.01", date(2026, 3, 1), invoice_id=rent.id)

    assert (operation.kind, operation.amount, operation.invoice_id) == (OFFSET, D("30000.01"), rent.id)
    assert rent.paid_amount == D("30000.01")
    assert deposits.state(session, contract).held == D("69999.99")
    deposits.record(session, contract, OFFSET, "15678.90", date(2026, 3, 2), invoice_id=rent.id)
    assert rent.amount - rent.paid_amount == D("0.00")
    assert rent.payment_state == "paid"
    assert deposits.state(session, contract).held == D("54321.09")


def test_refund_at_the_end_leaves_nothing_held(session):
    contract = _held(session)
    rent = factories.invoice(session, contract, amount=D("12345.67"))
    deposits.record(session, contract, OFFSET, "12345.67", date(2026, 11, 30), invoice_id=rent.id)
    deposits.record(session, contract, REFUND, "87654.33", date(2026, 12, 5))
    found = deposits.state(session, contract)
    assert (found.offset, found.refunded, found.held) == (D("12345.67"), D("87654.33"), D("0.00"))
    assert deposits.held_by_contract(session, [contract.id]) == {}


@pytest.mark.parametrize("kind, amount, field", [
    (REFUND, "100000.01", "amount"),    # one kopeck above what is held
    (REFUND, "0", "amount"),
    (REFUND, "-5", "amount"),
    (REFUND, "10.001", "amount"),
    (REFUND, "много", "amount"),
    ("gift", "10.00", "kind"),
])
def test_refused_above_the_held_balance_or_with_bad_input_and_nothing_changes(session, kind, amount, field):
    contract = _held(session)
    with pytest.raises(ValidationFailed) as refused:
        deposits.record(session, contract, kind, amount, date(2026, 12, 5))
    assert field in refused.value.errors
    assert session.query(DepositOperation).count() == 0
    assert deposits.state(session, contract).held == D("100000.00")


def test_nothing_received_nothing_to_refund(session):
    contract = _held(session, received="0.01")
    with pytest.raises(ValidationFailed):
        deposits.record(session, contract, REFUND, "0.02", date(2026, 12, 5))


def test_offset_only_against_an_open_invoice_of_this_contract_and_not_above_its_debt(session):
    contract = _held(session)
    other = factories.invoice(session, factories.contract(session), amount=D("500.00"))
    paid = factories.invoice(session, contract, amount=D("500.00"), paid_amount=D("500.00"))
    planned = factories.invoice(session, contract, amount=D("500.00"), status=InvoiceStatus.PLANNED.value, number=None)
    deposit_invoice = session.query(Invoice).filter_by(contract_id=contract.id, kind=DocumentKind.DEPOSIT.value).one()
    for invoice_id in (other.id, paid.id, planned.id, deposit_invoice.id, None):
        with pytest.raises(ValidationFailed) as refused:
            deposits.record(session, contract, OFFSET, "100.00", date(2026, 3, 1), invoice_id=invoice_id)
        assert "invoice" in refused.value.errors
    rent = factories.invoice(session, contract, amount=D("500.00"))
    with pytest.raises(ValidationFailed) as refused:
        deposits.record(session, contract, OFFSET, "500.01", date(2026, 3, 1), invoice_id=rent.id)
    assert "amount" in refused.value.errors
    assert rent.paid_amount == D("0.00") and session.query(DepositOperation).count() == 0


def test_penalties_stop_on_the_offset_day_like_a_payment(session):
    contract = _held(session, penalty_mode=PenaltyMode.PERCENT_PER_DAY.value, penalty_rate=D("0.1"))
    rent = factories.invoice(session, contract, amount=D("50000.00"), due_date=date(2026, 2, 5))
    deposits.record(session, contract, OFFSET, "50000.00", date(2026, 2, 10), invoice_id=rent.id)
    found = penalties.penalty_on(session, contract, date(2026, 2, 28))
    # 06.02–10.02: 5 days × 50 000 × 0.1 % (the offset day still accrues), then nothing.
    assert found.penalty == D("250.00") and found.overdue == D("0.00")


def test_reconciliation_shows_the_refund_as_a_debit(session):
    contract = _held(session)
    rent = factories.act(session, contract, date=date(2026, 2, 28), amount=D("40000.00"))
    invoice = factories.invoice(session, contract, amount=rent.amount)
    deposits.record(session, contract, OFFSET, "40000.00", date(2026, 3, 1), invoice_id=invoice.id)
    deposits.record(session, contract, REFUND, "60000.00", date(2026, 3, 2))
    for one in (None, contract):
        act = reconciliation.reconcile(session, contract.executor, contract.customer, date(2026, 1, 1), date(2026, 3, 31), one)
        # debit: the act 40 000 and the refund 60 000; credit: the deposit received 100 000.
        assert act.as_json() == {"opening": D("0.00"), "debit": D("100000.00"), "credit": D("100000.00"), "closing": D("0.00")}
        assert "Возврат обеспечительного платежа от 02.03.2026" in [e.text for e in act.entries]


def test_the_operation_pdf_names_the_sums_in_kopecks(session):
    contract = _held(session)
    rent = factories.invoice(session, contract, amount=D("45678.91"), number="А-77")
    operation = deposits.record(session, contract, OFFSET, "45678.91", date(2026, 3, 1), invoice_id=rent.id)
    text = pdf_text(pdf.deposit_operation_pdf(operation, deposits.state(session, contract)))
    assert "зачёте обеспечительного платежа" in text
    assert "45 678,91" in text and "А-77" in text and "54 321,09" in text
    refund = deposits.record(session, contract, REFUND, "54321.09", date(2026, 12, 5))
    text = pdf_text(pdf.deposit_operation_pdf(refund, deposits.state(session, contract)))
    assert "возврате обеспечительного платежа" in text and "54 321,09" in text


def test_card_shows_the_held_deposit_records_an_offset_and_serves_its_notice(client, session, login_as, today):
    contract = _held(session, received="70000.00")
    rent = factories.invoice(session, contract, amount=D("30000.00"), number="А-5")
    session.commit()
    login_as("Accountant")  # money work: the Accountant records deposit operations

    page = client.get(f"/contractview/show/{contract.id}").get_data(as_text=True)
    assert 'id="deposit-held"><strong><span class="money">70&nbsp;000,00' in page and 'id="deposit-form"' in page

    response = client.post(f"/contractview/deposit/{contract.id}", data={"kind": OFFSET, "invoice": str(rent.id), "amount": "30 000,00"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Зачёт в счёт долга" in page and 'id="deposit-held"><strong><span class="money">40&nbsp;000,00' in page
    [operation] = session.query(DepositOperation).all()
    assert (operation.date, operation.amount) == (today, D("30000.00"))
    notice = client.get(f"/contractview/deposit/{contract.id}/{operation.id}.pdf")
    assert notice.status_code == 200 and "40 000,00" in pdf_text(notice.data)

    refused = client.post(f"/contractview/deposit/{contract.id}", data={"kind": REFUND, "amount": "40000.01"}, follow_redirects=True)
    assert "Сумма больше удерживаемого обеспечительного платежа: 40000.00" in refused.get_data(as_text=True)
    assert session.query(DepositOperation).count() == 1


def test_viewer_reads_the_deposit_but_records_nothing(client, session, login_as):
    contract = _held(session)
    session.commit()
    login_as("Viewer")
    page = client.get(f"/contractview/show/{contract.id}").get_data(as_text=True)
    assert 'id="deposit-held"' in page and 'id="deposit-form"' not in page
    assert client.post(f"/contractview/deposit/{contract.id}", data={"kind": REFUND, "amount": "1.00"}).status_code in (302, 403)
    assert session.query(DepositOperation).count() == 0


def test_the_deposit_is_no_revenue_in_the_1c_export(session):
    from app.exports import enterprise_data

    contract = _held(session)
    data, _ = enterprise_data.export_bytes(session, contract.executor, date(2026, 1, 1), date(2026, 12, 31))
    text = data.decode("utf-8")
    # the deposit goes to 1C as an invoice for payment only: no act, so no sale (РеализацияТоваровУслуг)
    assert "Обеспечительный платёж" in text and "РеализацияТоваровУслуг" not in text
