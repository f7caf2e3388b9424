"""In a real browser: the Owner reads «Журнал изменений» — a tariff edited in the admin, a
contract changed over REST, a nightly batch — filters it by door and downloads it as Excel
(screenshots in /tmp/shots-audit)."""
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.hooks.actor import through
from app.models import Account
from app.permissions import ROLE_OWNER
from app.vocabulary.enums import AuditDoor
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in
from tests.test_nightly import billed_contract

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("ARENDA_SHOTS", "/tmp/shots-audit"))


def test_owner_reads_filters_and_downloads_the_log(page, session, tmp_path):
    from app.jobs.nightly import nightly

    account = Account(name="ООО «Арендодатель»", plan_name="Базовый", price=Decimal("5000"))
    session.add(account)
    contract = factories.contract(session, comment="Первый этаж")
    session.commit()
    contract.comment, contract.monthly_rent = "Второй этаж", Decimal("48000.00")
    session.commit()
    with through(AuditDoor.JOB):
        billed_contract(session, executor=factories.executor(session))
        session.commit()
        nightly(session, date(2020, 1, 31))
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, role_username(ROLE_OWNER), PASSWORD)

    page.goto("/auditview/list/")
    page.screenshot(path=str(SHOTS / "audit-list.png"), full_page=True)
    text = page.locator("table.table").last.inner_text()
    assert "Второй этаж" in text and "Первый этаж → Второй этаж" in text
    assert "Пакетная запись" in text and "Ночная задача" in text and "Записано строк: 2" in text

    page.locator("#accordion1 a, a[href='#accordion1'], .panel-title a").first.click()  # «Поиск» opens the filters
    page.locator("#filter_form button.dropdown-toggle").click()  # FAB's «add filter» menu, then the door
    page.locator("#filter_form a.filter[name=door]").click()
    page.locator("#filter_form select[name$='_door']").last.select_option("job")
    page.locator("#filter_form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "audit-list-job.png"), full_page=True)
    filtered = page.locator("table.table").last.inner_text()
    assert "Ночная задача" in filtered and "Второй этаж" not in filtered

    with page.expect_download() as download:
        page.click("a.export-xlsx")
    path = tmp_path / "audit.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    header = rows[0]
    assert {row[header.index("Откуда")] for row in rows[1:]} == {"Ночная задача"}
    assert any("Записано строк" in (row[header.index("Изменения (было → стало)")] or "") for row in rows[1:])
