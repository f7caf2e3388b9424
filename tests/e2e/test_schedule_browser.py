"""A manager issues a planned invoice from the contract's schedule and downloads its PDF."""
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


def test_manager_issues_from_the_schedule_and_downloads_the_pdf(page, session):
    month = today().replace(day=1)
    start = (month + timedelta(days=40)).replace(day=1)
    contract = factories.contract(session, number="АР-26/888", monthly_rent=Decimal("45000.00"), date=month,
                                  start_date=start, end_date=start + timedelta(days=200))
    schedule.rebuild(session, contract, today())
    session.commit()
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto(f"/contractview/show/{contract.id}")
    first = page.locator("#schedule tr[data-period]").first
    assert "Запланирован" in first.inner_text() and "54\xa0000,00" in first.inner_text()  # 45 000 + 20 % VAT
    first.locator(".document-menu button", has_text="Действия").first.click()  # the changes sit in a menu
    first.locator("button", has_text="Выставить").click()
    page.wait_for_load_state("networkidle")
    assert "Документ выставлен" in page.locator(".alert").first.inner_text()
    first = page.locator("#schedule tr[data-period]").first
    assert "№ А-1" in first.inner_text() and "Выставлен" in first.inner_text()
    with page.expect_download() as download:
        first.locator("a", has_text="PDF").click()
    assert download.value.suggested_filename.startswith("Счёт А-1")
    page.screenshot(path="tests/e2e/last-contract-schedule.png", full_page=True)
