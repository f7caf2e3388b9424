"""The top bar's search, the cards' money at a glance and a bulk action with its confirmation,
in Chromium; each page screenshotted (tests/e2e/last-ux-*.png)."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.domain import schedule
from app.permissions import ROLE_MANAGER
from app.timeutil import today
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _landlord(session):
    month = today().replace(day=1)
    start = (month - timedelta(days=1)).replace(day=1)
    customer = factories.customer(session, name="ООО «Ромашка»", email="romashka@test.example")
    contract = factories.contract(session, number="АР-26/515", customer=customer, monthly_rent=Decimal("45000.00"),
                                  date=start - timedelta(days=9), start_date=start, end_date=start + timedelta(days=200))
    schedule.rebuild(session, contract, today())
    overdue = factories.invoice(session, contract, number="А-515", amount=Decimal("54000.00"), date=today() - timedelta(days=20),
                                due_date=today() - timedelta(days=10), period_start=start, period_end=start)
    factories.payment(session, amount=Decimal("54000.00"), number="515", payer_inn=customer.inn, payer_name=customer.name)
    session.commit()
    return contract, overdue


def test_search_from_the_top_bar_groups_results_by_kind(page, session):
    contract, invoice = _landlord(session)
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.fill("#top-search input[name=q]", "515")
    page.press("#top-search input[name=q]", "Enter")
    page.wait_for_load_state("networkidle")
    assert "А-515" in page.locator("#search-invoices").inner_text()
    assert "Не оплачен" in page.locator("#search-invoices").inner_text()
    assert "АР-26/515" in page.locator("#search-contracts").inner_text()
    assert "54\xa0000,00" in page.locator("#search-payments").inner_text()
    page.screenshot(path="tests/e2e/last-ux-search.png", full_page=True)
    page.locator("#search-contracts a").first.click()
    page.wait_for_load_state("networkidle")
    assert "54\xa0000,00" in page.locator("#debt-overdue").inner_text()
    page.screenshot(path="tests/e2e/last-ux-contract-card.png", full_page=True)
    page.goto(f"/counterpartyview/show/{contract.customer_id}")
    assert "А-515" in page.locator("#customer-open-invoices").inner_text()
    page.screenshot(path="tests/e2e/last-ux-customer-card.png", full_page=True)


def test_bulk_issue_asks_in_russian_and_reports_counts(page, session):
    contract, _ = _landlord(session)
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto(f"/invoiceview/list/?_flt_0_contract={contract.id}")
    planned = page.locator("tr", has_text="Запланирован")
    for n in range(2):
        planned.nth(n).locator("input.action_check").check()
    page.locator(".list-add-action button.dropdown-toggle, button.dropdown-toggle", has_text="Действия").first.click()
    page.locator(".issue_selected_menu_item").click()
    dialog = page.locator("#modal-confirm")
    dialog.wait_for(state="visible")
    assert "Выставить выбранные плановые документы" in dialog.inner_text() and "Выбрано строк: 2" in dialog.inner_text()
    page.wait_for_timeout(300)  # the modal's fade-in, for the screenshot
    page.screenshot(path="tests/e2e/last-ux-bulk-confirm.png", full_page=True)
    dialog.locator("#modal-confirm-ok").click()
    page.wait_for_load_state("networkidle")
    assert "Выставлено документов: 2" in page.locator(".alert").first.inner_text()
    page.screenshot(path="tests/e2e/last-ux-bulk-done.png", full_page=True)
