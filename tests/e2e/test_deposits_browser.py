"""The contract card's deposit and indexation blocks in a browser: an accountant offsets part of
the held deposit against an open invoice and downloads its notice; a manager sees the drafted
indexation awaiting signature and its letter to the tenant."""
from datetime import date
from decimal import Decimal

import pytest

from app.domain import allocation, settings
from app.domain.enums import DocumentKind, IndexationMode, VatMode
from app.domain.proration import add_months
from app.jobs.nightly import draft_indexations
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER
from app.timeutil import today
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
D = Decimal


def test_accountant_offsets_the_deposit_against_an_invoice_and_downloads_the_notice(page, session):
    contract = factories.contract(session, number="ОП-7", deposit_amount=D("120000.00"))
    deposit = factories.invoice(session, contract, kind=DocumentKind.DEPOSIT.value, amount=D("120000.00"))
    allocation.allocate(session, factories.payment(session, amount=D("120000.00")), deposit, D("120000.00"))
    rent = factories.invoice(session, contract, amount=D("45678.91"), number="А-31")
    session.commit()
    sign_in(page, role_username(ROLE_ACCOUNTANT), PASSWORD)
    page.goto(f"/contractview/show/{contract.id}")
    assert "120\xa0000,00" in page.locator("#deposit-held").inner_text()

    page.select_option("#deposit-kind", "offset")
    page.select_option("#deposit-invoice", str(rent.id))
    page.fill("#deposit-amount", "45678,91")
    page.click("#deposit-submit")
    page.wait_for_load_state("networkidle")

    assert "74\xa0321,09" in page.locator("#deposit-held").inner_text()
    assert "Зачёт в счёт долга" in page.locator("#deposit-operations").inner_text()
    page.locator("#deposit").screenshot(path="tests/e2e/last-contract-deposit.png")
    notice = page.request.get(page.locator("#deposit-operations a", has_text="Уведомление").get_attribute("href"))
    assert notice.ok and notice.body().startswith(b"%PDF")
    with open("tests/e2e/last-deposit-notice.pdf", "wb") as out:
        out.write(notice.body())


def test_manager_sees_the_drafted_indexation_and_its_letter(page, session):
    change = add_months(today().replace(day=1), 1)
    settings.put(session, "indexation_days_ahead", "40")
    contract = factories.contract(session, number="ИН-3", start_date=add_months(change, -12), date=add_months(change, -12),
                                  end_date=None, monthly_rent=D("87654.32"), vat_mode=VatMode.NONE.value,
                                  indexation_mode=IndexationMode.FIXED.value, indexation_percent=D("5.5"),
                                  indexation_month=change.month)
    draft_indexations(session, today(), {})
    session.commit()
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto(f"/contractview/show/{contract.id}")
    block = page.locator("#indexation")
    assert "Ждёт подписания" in block.inner_text() and "92\xa0475,31" in block.inner_text()
    assert f"{change:%d.%m.%Y}" in block.inner_text()
    block.screenshot(path="tests/e2e/last-contract-indexation.png")
    letter = page.request.get(block.locator("a", has_text="Уведомление об индексации").get_attribute("href"))
    assert letter.ok and letter.body().startswith(b"%PDF")
    with open("tests/e2e/last-indexation-letter.pdf", "wb") as out:
        out.write(letter.body())


def test_accountant_sends_the_reconciliation_act_from_the_customer_card(page, session):
    tenant = factories.customer(session, recipient_emails="buh@tenant.example")
    contract = factories.contract(session, number="СВ-1", customer=tenant, deposit_amount=D("50000.00"))
    deposit = factories.invoice(session, contract, kind=DocumentKind.DEPOSIT.value, amount=D("50000.00"))
    allocation.allocate(session, factories.payment(session, amount=D("50000.00"), payer_inn=tenant.inn, payer_kpp=tenant.kpp,
                                                   recipient_inn=contract.executor.inn, recipient_kpp=contract.executor.kpp),
                        deposit, D("50000.00"))
    factories.act(session, contract, date=date(2026, 2, 28), amount=D("30000.00"))
    session.commit()
    sign_in(page, role_username(ROLE_ACCOUNTANT), PASSWORD)
    page.goto(f"/counterpartyview/show/{tenant.id}")
    block = page.locator("#customer-contracts")
    assert "№ СВ-1: 50\xa0000,00" in block.inner_text()
    block.screenshot(path="tests/e2e/last-customer-contracts.png")

    block.locator("a.reconciliation-link").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=from]", "2026-01-01")
    page.click("#reconciliation-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("#reconciliation-send button")
    page.wait_for_load_state("networkidle")

    assert "поставлен в очередь отправки: buh@tenant.example" in page.locator(".alert").first.inner_text()
    page.screenshot(path="tests/e2e/last-reconciliation-sent.png", full_page=True)
