"""Accounting history cannot be deleted (issue 9, item 2): issued and cancelled documents,
allocated payments, contracts with issued documents, counterparties with contracts or
documents, bank accounts with operations. Refused by both doors (admin: flashed, REST: 409),
nothing changed; what is not history can still be deleted."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import allocation, documents, schedule
from app.domain import history as history_rules
from app.domain.enums import ContractStatus
from app.models import (
    Act, Allocation, BankAccount, Contract, Counterparty, DocumentCounter, Invoice, InvoiceLine, Payment, VatInvoice,
)
from app.permissions import ROLE_MANAGER
from tests import factories

WATCHED = (Contract, Counterparty, BankAccount, Invoice, InvoiceLine, Act, VatInvoice, Payment, Allocation, DocumentCounter)


def snapshot(session):
    session.expire_all()
    counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in WATCHED}
    paid = session.scalars(select(Invoice.paid_amount).order_by(Invoice.id)).all()
    return counts, paid


@pytest.fixture()
def history(session):
    """A signed 2026 lease whose January is issued by the nightly run (invoices А-1, А-2, act А-1
    with its VAT invoice), the February invoice cancelled, a payment allocated to invoice А-1."""
    contract = factories.contract(session, monthly_rent=Decimal("30000.00"), date=date(2025, 12, 20),
                                  start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    schedule.rebuild(session, contract, date(2026, 1, 1))
    schedule.issue_due(session, [contract.id], date(2026, 1, 31))
    invoices = session.scalars(select(Invoice).where(Invoice.contract_id == contract.id, Invoice.number.is_not(None))
                               .order_by(Invoice.number)).all()
    act = session.scalar(select(Act).where(Act.contract_id == contract.id, Act.number.is_not(None)))
    documents.cancel(session, invoices[1], date(2026, 1, 31))
    account = contract.executor.bank_accounts[0]
    payment = factories.payment(session, amount=invoices[0].amount, recipient_account=account.account,
                                recipient_inn=contract.executor.inn)
    allocation.allocate(session, payment, invoices[0], invoices[0].amount)
    session.commit()
    assert act.vat_invoice is not None and invoices[0].paid_amount == invoices[0].amount
    return dict(contract=contract, issued=invoices[0], cancelled=invoices[1], act=act, vat_invoice=act.vat_invoice,
                payment=payment, customer=contract.customer, executor=contract.executor, account=account)


# (fixture key, admin view, REST resource or None, what the message says)
KEPT = [
    ("issued", "invoiceview", "invoice", "Счёт А-1 выставлен: его нельзя удалить, только отменить"),
    ("cancelled", "invoiceview", "invoice", "Счёт А-2 отменён: он остаётся в истории, удалить его нельзя"),
    ("act", "actview", "act", "Акт А-1 выставлен: его нельзя удалить, только отменить"),
    ("vat_invoice", "vatinvoiceview", None, "Счёт-фактура А-1 выставлен"),
    ("payment", "paymentview", "payment", "разнесена по счетам (А-1): удалить её нельзя, сначала отмените разноску"),
    ("contract", "contractview", "contract", "есть выставленные документы (счёт А-1, счёт А-2, акт А-1): его нельзя удалить, только расторгнуть"),
    ("customer", "counterpartyview", "counterparty", "есть договоры (№ Д-"),
    ("executor", "counterpartyview", "counterparty", "есть договоры (№ Д-"),
    ("account", "bankaccountview", "bank_account", "есть денежные операции (1): удалить его нельзя"),
]


@pytest.mark.parametrize("key, view, resource, message", [k for k in KEPT if k[2]], ids=[k[0] for k in KEPT if k[2]])
def test_rest_delete_of_history_is_a_conflict_and_changes_nothing(client, api_token, session, history, key, view, resource, message):
    before = snapshot(session)
    response = client.delete(f"/api/v1/{resource}/{history[key].id}", headers=api_token(ROLE_MANAGER))
    assert response.status_code == 409, response.text
    assert message in response.json["message"]
    assert snapshot(session) == before


@pytest.mark.parametrize("key, view, resource, message", KEPT, ids=[k[0] for k in KEPT])
def test_admin_delete_of_history_is_refused_with_its_reason(login_as, session, history, key, view, resource, message):
    browser = login_as(ROLE_MANAGER)
    before = snapshot(session)
    response = browser.post(f"/{view}/delete/{history[key].id}", follow_redirects=True)
    assert response.status_code == 200
    assert message in response.text
    assert snapshot(session) == before
    card = browser.get(f"/{view}/show/{history[key].id}").text
    assert f"/{view}/delete/{history[key].id}" not in card  # no trash button on the card


def test_document_and_payment_lists_offer_no_delete_on_history_rows(login_as, session, history):
    contract = history["contract"]
    extra = factories.invoice(session, contract, number=None, status="planned", planned_date=date(2026, 3, 10), one_off=True,
                              kind="other")
    unallocated = factories.payment(session)
    session.commit()
    browser = login_as(ROLE_MANAGER)
    invoices = browser.get("/invoiceview/list/?psize_InvoiceView=100").text
    assert f"/invoiceview/delete/{history['issued'].id}" not in invoices
    assert f"/invoiceview/delete/{history['cancelled'].id}" not in invoices
    assert f"/invoiceview/delete/{extra.id}" in invoices  # a one-off plan may go
    acts = browser.get("/actview/list/").text
    assert f"/actview/delete/{history['act'].id}" not in acts
    assert f"/vatinvoiceview/delete/{history['vat_invoice'].id}" not in browser.get("/vatinvoiceview/list/").text
    payments = browser.get("/paymentview/list/").text
    assert f"/paymentview/delete/{history['payment'].id}" not in payments
    assert f"/paymentview/delete/{unallocated.id}" in payments


def test_contract_party_and_account_lists_offer_no_delete_on_history_rows(login_as, session, history):
    unused = factories.customer(session)
    draft = factories.contract(session, status="draft")
    session.commit()
    browser = login_as(ROLE_MANAGER)
    contracts = browser.get("/contractview/list/").text
    assert f"/contractview/delete/{history['contract'].id}" not in contracts
    assert f"/contractview/delete/{draft.id}" in contracts  # a draft without documents may go
    parties = browser.get("/counterpartyview/list/?psize_CounterpartyView=100").text
    assert f"/counterpartyview/delete/{history['customer'].id}" not in parties
    assert f"/counterpartyview/delete/{history['executor'].id}" not in parties
    assert f"/counterpartyview/delete/{unused.id}" in parties
    accounts = browser.get("/bankaccountview/list/?psize_BankAccountView=100").text
    assert f"/bankaccountview/delete/{history['account'].id}" not in accounts
    assert f"/bankaccountview/delete/{draft.executor.bank_accounts[0].id}" in accounts


def test_a_list_page_marks_the_rows_the_delete_hook_refuses(session, history):
    factories.customer(session)
    factories.contract(session, status="draft")
    factories.payment(session)
    session.commit()
    for model in (Invoice, Act, VatInvoice, Payment, Contract, Counterparty, BankAccount):
        rows = session.scalars(select(model)).all()
        refused = {row.id for row in rows if history_rules.why_kept(session, row) is not None}
        assert history_rules.kept_ids(session, model, [row.id for row in rows]) == refused, model.__name__
        assert refused and len(refused) < len(rows) or model is VatInvoice, model.__name__


def test_a_draft_contract_with_only_plans_goes_with_its_plans(client, api_token, login_as, session):
    drafts = []
    for _ in range(2):
        contract = factories.contract(session, status=ContractStatus.SIGNED.value, monthly_rent=Decimal("30000.00"))
        schedule.rebuild(session, contract, date(2026, 1, 1))
        contract.status = ContractStatus.DRAFT.value  # back to draft; a signed one with only plans goes too
        drafts.append(contract.id)
    signed = factories.contract(session, monthly_rent=Decimal("30000.00"))
    schedule.rebuild(session, signed, date(2026, 1, 1))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Invoice).where(Invoice.contract_id == signed.id)) > 0
    assert client.delete(f"/api/v1/contract/{drafts[0]}", headers=api_token(ROLE_MANAGER)).status_code == 200
    login_as(ROLE_MANAGER).post(f"/contractview/delete/{drafts[1]}")
    assert client.delete(f"/api/v1/contract/{signed.id}", headers=api_token(ROLE_MANAGER)).status_code == 200
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Contract)) == 0
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert session.scalar(select(func.count()).select_from(Act)) == 0


def test_what_holds_no_history_can_be_deleted_by_both_doors(client, api_token, login_as, session, history):
    headers = api_token(ROLE_MANAGER)
    lonely, lonely_too = factories.customer(session), factories.customer(session)
    free_account = BankAccount(counterparty=history["executor"], account="40702810900000000002", bik="044525225")
    other_account = BankAccount(counterparty=history["executor"], account="40702810900000000003", bik="044525225")
    session.add_all([free_account, other_account])
    payments = [factories.payment(session), factories.payment(session)]
    plans = [factories.invoice(session, history["contract"], number=None, status="planned", planned_date=date(2026, 3, 10),
                               kind="other", one_off=True) for _ in range(2)]
    session.commit()
    for resource, pk in (("counterparty", lonely.id), ("bank_account", free_account.id), ("payment", payments[0].id),
                         ("invoice", plans[0].id)):
        response = client.delete(f"/api/v1/{resource}/{pk}", headers=headers)
        assert response.status_code == 200, (resource, response.text)
    browser = login_as(ROLE_MANAGER)
    for view, pk in (("counterpartyview", lonely_too.id), ("bankaccountview", other_account.id), ("paymentview", payments[1].id),
                     ("invoiceview", plans[1].id)):
        browser.post(f"/{view}/delete/{pk}")
    session.expire_all()
    for model, pk in ((Counterparty, lonely.id), (Counterparty, lonely_too.id), (BankAccount, free_account.id),
                      (BankAccount, other_account.id), (Payment, payments[0].id), (Payment, payments[1].id),
                      (Invoice, plans[0].id), (Invoice, plans[1].id)):
        assert session.get(model, pk) is None, (model, pk)
    assert session.get(Invoice, history["issued"].id).paid_amount == history["issued"].amount
