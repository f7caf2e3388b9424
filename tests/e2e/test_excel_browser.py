"""In a real browser: a manager downloads a filtered list as Excel, and uploads an onboarding
file with bad cells, reading the report of each (screenshots in /tmp/shots-excel)."""
import os
from pathlib import Path

import openpyxl
import pytest

from app.permissions import ROLE_MANAGER
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in
from tests.test_onboarding import CONTRACTS, PARTIES, ROOMS

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("ARENDA_SHOTS", "/tmp/shots-excel"))


def test_export_a_filtered_list_and_refuse_a_bad_onboarding_file(page, session, tmp_path):
    for n in range(3):
        factories.customer(session, name=f"ООО «Клиент {n}»")
    factories.customer(session, name="ООО «Другой»")
    session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/counterpartyview/list/?_flt_2_name=Клиент")
    page.screenshot(path=str(SHOTS / "list-export-button.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a.export-xlsx")
    path = tmp_path / "list.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    names = [row[rows[0].index("Наименование")] for row in rows[1:]]
    assert names == ["ООО «Клиент 0»", "ООО «Клиент 1»", "ООО «Клиент 2»"]

    page.goto("/onboarding/")
    with page.expect_download() as download:
        page.click("#onboarding-template")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    bad_rooms = [ROOMS[0], ["БЦ «Лесной»", None, "первый", "102", "Кабинет", -5, None]]
    for title, rows in (("Контрагенты", PARTIES), ("Помещения", bad_rooms), ("Договоры", CONTRACTS)):
        for row in rows:
            book[title].append(row)
    filled = tmp_path / "landlord.xlsx"
    book.save(filled)
    page.set_input_files("input[name=file]", str(filled))
    page.click("#onboarding-check button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "onboarding-refused.png"), full_page=True)
    report = page.inner_text("#onboarding-problems")
    assert "Помещения\t3\tЭтаж" in report and "Нет такого помещения" in report
