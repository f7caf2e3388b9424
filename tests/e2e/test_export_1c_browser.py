"""An accountant exports a month to 1C in a real browser from «Счета и акты»: the file downloads
with the executor and period in its name, and the history lists it for download again."""
import os
from pathlib import Path

import pytest

from app.exports import xdto_schema
from app.permissions import ROLE_ACCOUNTANT, ROLE_OWNER
from tests import export_1c_data
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("ARENDA_SHOTS_DIR", "")) if os.environ.get("ARENDA_SHOTS_DIR") else None


def _shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_export_from_the_documents_menu_downloads_the_file(page, session):
    executor, _ = export_1c_data.month(session)
    executor_id = executor.id
    sign_in(page, role_username(ROLE_ACCOUNTANT), PASSWORD)
    page.goto("/")
    page.click("text=Счета и акты")
    page.click("a:has-text('Экспорт в 1С')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#open-own-base").is_visible()
    assert page.locator("#executor").evaluate("e => e.required") and page.locator("#start").evaluate("e => e.required")
    page.select_option("#executor", str(executor_id))
    page.locator("#start").press_sequentially("01.03.2026")  # typed as Russians write dates (the picker's format)
    page.locator("#end").press_sequentially("31.03.2026")
    page.press("#end", "Tab")  # leaving the field closes its calendar
    _shot(page, "export-1c-form.png")
    with page.expect_download() as download:
        page.click("#export-1c button[type=submit]")
    file = download.value
    assert file.suggested_filename == "1C_EnterpriseData_7701234567_2026-03-01_2026-03-31.xml"
    assert xdto_schema.problems(Path(file.path()).read_bytes()) == []
    page.goto("/documents/export-1c/")
    rows = page.locator("#export-runs tbody tr")
    assert rows.count() == 1 and "01.03.2026–31.03.2026" in rows.first.inner_text()
    _shot(page, "export-1c-history.png")


def test_the_schedule_settings_page(page, session):
    export_1c_data.month(session)
    sign_in(page, role_username(ROLE_OWNER), PASSWORD)
    page.goto("/settings/export-1c/")
    page.select_option("#periodicity", "monthly")
    page.fill("#day", "1")
    page.check("input[name=executor_ids] >> nth=0")
    page.fill("#email", "buh@landlord.example")
    page.click("#export-1c-schedule button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Настройки выгрузки в 1С сохранены" in page.content()
    _shot(page, "export-1c-settings.png")
