"""An accountant imports a statement in a real browser, reads the result and allocates what was left."""
from datetime import date
from decimal import Decimal

import pytest

from app.permissions import ROLE_ACCOUNTANT
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in
from tests.statements import document, statement

pytestmark = pytest.mark.e2e


def test_import_result_and_manual_allocation(page, session, tmp_path):
    executor, tenant = factories.executor(session), factories.customer(session)
    contract = factories.contract(session, executor=executor, customer=tenant)
    paid = factories.invoice(session, contract, number="А-901", amount=Decimal("1000.00"))
    open_invoice = factories.invoice(session, contract, number="А-902", amount=Decimal("750.00"))
    session.commit()
    ours = dict(name=executor.name, inn=executor.inn, kpp=executor.kpp, account=executor.bank_accounts[0].account, bik="044525225")
    theirs = dict(name=tenant.name, inn=tenant.inn, kpp=tenant.kpp, account="40702810400000004583", bik="044525593")
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(statement([document(1, date(2026, 2, 3), "1000.00", theirs, ours, f"Оплата по счету {paid.number}"),
                                document(2, date(2026, 2, 4), "500.00", theirs, ours, "Аренда март, частями")]))

    sign_in(page, role_username(ROLE_ACCOUNTANT), PASSWORD)
    page.goto("/money/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#money-import button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#import-counts .imported").inner_text() == "2"
    assert page.locator("#import-counts .allocated").inner_text() == "1"
    page.screenshot(path="tests/e2e/last-import-result.png", full_page=True)

    page.locator("#not-allocated a", has_text="Разнести").click()
    page.wait_for_load_state("networkidle")
    page.check(f"#suggestions tr[data-invoice='{open_invoice.id}'] input[type=checkbox]")
    page.click("#allocate button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Разнесено на счета: 1" in page.content()
    assert page.locator(f"#allocations tr[data-invoice='{open_invoice.id}']").count() == 1
    page.screenshot(path="tests/e2e/last-allocation.png", full_page=True)

    session.expire_all()
    assert open_invoice.paid_amount == Decimal("500.00")
