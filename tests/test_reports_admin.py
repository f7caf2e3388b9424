"""«Отчёты» in the admin: each report's page (rows, totals, chart) and its .xlsx (cells and a
chart, opened with openpyxl); the start page's money figures and the lists they link to."""
import io
import re
from decimal import Decimal as D
from html import unescape

import openpyxl
import pytest

from app.domain.words import format_amount
from app.permissions import ROLE_ACCOUNTANT, ROLE_TARIFF, ROLE_VIEWER
from tests import reports_dataset

EXPECTED = reports_dataset.EXPECTED
PAGES = ["debtors", "vacancy", "rent-roll", "revenue"]


@pytest.fixture()
def dataset(session, today):
    rows = reports_dataset.build(session, today)
    session.commit()
    return rows


def money_text(value):
    return f"{format_amount(value, '&nbsp;')}&nbsp;₽"


def cells(html, row_class):
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(rf'<tr class="{row_class}">(.*?)</tr>', html, re.S)]


def workbook(client, url):
    response = client.get(f"{url}?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def charts_of(book):
    """{sheet name: number of charts} (openpyxl keeps a loaded sheet's charts in `_charts`)."""
    return {ws.title: len(ws._charts) for ws in book.worksheets}


def fmt(value):
    return unescape(money_text(value)).replace("\xa0", " ")


def test_debtors_page_and_workbook(client, login_as, dataset):
    login_as(ROLE_VIEWER)
    page = client.get("/reports/debtors/")
    assert page.status_code == 200
    rows = cells(page.text, "report-row")
    assert [r[:2] for r in rows] == [["ООО «Альфа-Трейд»", "№ С-1"], ["ООО «Бета-Сервис»", "№ С-2"]]
    for row, (_, _, current, buckets, debt) in zip(rows, EXPECTED["debtors"]):
        assert [c.replace("\xa0", " ") for c in row[2:7]] == [fmt(v) for v in [current, *buckets]]
        assert row[8].replace("\xa0", " ") == fmt(debt)
    assert rows[1][9].replace("\xa0", " ") == fmt(EXPECTED["penalty"])
    assert [r[10].replace("\xa0", " ") for r in rows] == [fmt(EXPECTED["deposit_held"]["С-1"]), fmt(0)]  # beside the debt
    total = cells(page.text, "report-total")[0]
    assert [c.replace("\xa0", " ") for c in total[-2:]] == [fmt(EXPECTED["penalty"]), fmt(EXPECTED["deposit_held"]["С-1"])]
    assert 'class="arenda-chart"' in page.text and "<script" not in page.text.split("report-chart")[1].split("</div>")[0]

    book = workbook(client, "/reports/debtors/")
    sheet = book["Должники"]
    assert [c.value for c in sheet[1]][:4] == ["Контрагент", "Договор", "Срок не наступил", "0–30 дн."]
    assert [c.value for c in sheet[2]][:8] == ["ООО «Альфа-Трейд»", "С-1", 64000, 1600, 6000, 24000, 32000, 63600]
    assert sheet.cell(3, 10).value == 50  # С-2's penalty
    assert (sheet.cell(1, 11).value, sheet.cell(2, 11).value, sheet.cell(3, 11).value) == ("Депозит удержан", 47000, 0)
    by_age = book["По срокам"]
    assert [(r[0].value, r[1].value) for r in by_age.iter_rows(min_row=2)] == [
        ("0–30", 6600), ("31–60", 6000), ("61–90", 24000), ("90+", 32000)]
    assert charts_of(book) == {"Должники": 0, "По срокам": 1}


def test_vacancy_page_and_workbook(client, login_as, dataset):
    login_as(ROLE_ACCOUNTANT)
    page = client.get("/reports/vacancy/")
    rows = cells(page.text, "report-row")
    assert [(r[0], r[2], r[6], r[8]) for r in rows] == [
        ("Альфа", "1", "100,00 %", "—"), ("Альфа", "2", "0,00 %", "3"), ("Бета", "1", "100,00 %", "—"), ("Бета", "2", "40,00 %", "—")]
    total = cells(page.text, "report-total")[0]
    assert total[4] == "50,94 %" and total[-1].replace("\xa0", " ") == fmt(300000)
    book = workbook(client, "/reports/vacancy/")
    sheet = book["Вакантность"]
    assert [c.value for c in sheet[3]] == ["Альфа", None, "Альфа, этаж 2", 200, 0, 200, 0, 1, 3, 100000, 300000]
    assert sheet.cell(5, 7).value == 0.4 and sheet.cell(5, 7).number_format == "0.00%"
    assert charts_of(book) == {"Вакантность": 1}


def test_rent_roll_page_and_workbook(client, login_as, dataset):
    login_as(ROLE_VIEWER)
    page = client.get("/reports/rent-roll/")
    rows = cells(page.text, "report-row")
    assert [(r[0], r[1], r[8]) for r in rows] == [("№ С-3", "ИП Гамма", "—"), ("№ С-1", "ООО «Альфа-Трейд»", "1,00"),
                                                 ("№ С-2", "ООО «Бета-Сервис»", "2,00")]
    assert [r[9].replace("\xa0", " ") for r in rows] == [fmt(0), fmt(47000), fmt(0)]
    assert cells(page.text, "report-total")[0][-1].replace("\xa0", " ") == fmt(47000)
    wale = re.sub(r"<[^>]+>", "", re.search(r'<p id="wale">(.*?)</p>', page.text, re.S).group(1))
    assert "WALE по площади: 1,35 года" in " ".join(wale.split()) and "WALE по аренде: 1,33 года" in " ".join(wale.split())
    book = workbook(client, "/reports/rent-roll/")
    sheet = book["Рент-ролл"]
    assert [c.value for c in sheet[3]][:6] == ["С-1", "ООО «Альфа-Трейд»", "Альфа, этаж 1 — 101, Альфа, этаж 1 — 102", 150, 200000, 16000]
    assert sheet.cell(3, 9).value == 1
    assert (sheet.cell(1, 10).value, sheet.cell(3, 10).value) == ("Депозит удержан", 47000)
    notes = [sheet.cell(r, 1).value for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value]
    assert notes[:2] == ["WALE по площади: 1,35 года", "WALE по аренде: 1,33 года"]
    assert charts_of(book) == {"Рент-ролл": 0, "Окончания по годам": 1}


def test_revenue_page_and_workbook(client, login_as, dataset, today):
    login_as(ROLE_ACCOUNTANT)
    page = client.get("/reports/revenue/")
    rows = cells(page.text, "report-row")
    assert len(rows) == 12 and rows[-1][0] == f"{today:%m.%Y}"
    assert [c.replace("\xa0", " ") for c in rows[-1][1:]] == [
        fmt(v) for v in (EXPECTED["invoiced_month"], EXPECTED["paid_month"], D("128600.00"), *EXPECTED["deposit_month"])]
    assert "Обеспечительные платежи — не выручка" in page.text
    book = workbook(client, "/reports/revenue/")
    sheet = book["Выставлено и оплачено"]
    assert [c.value for c in sheet[1]][4:] == ["Обеспечительные: получено", "Обеспечительные: зачтено", "Обеспечительные: возвращено"]
    assert [c.value for c in sheet[13]] == [f"{today:%m.%Y}", 139500, 10900, 128600, 50000, 3000, 0]
    assert charts_of(book) == {"Выставлено и оплачено": 1}


@pytest.mark.parametrize("page", PAGES)
def test_reports_are_closed_to_the_tariff_role(client, login_as, page):
    login_as(ROLE_TARIFF)
    assert client.get(f"/reports/{page}/").status_code == 403


def _tiles(html):
    return {key: (unescape(url), unescape(re.sub(r"<[^>]+>", "", value)).replace("\xa0", " "))
            for url, key, value in re.findall(
                r'<a href="([^"]+)" class="money-tile money-(\w+)"[^>]*>.*?<strong class="money-value"[^>]*>(.*?)</strong>', html, re.S)}


def _listed_ids(html, view):
    return {int(pk) for pk in re.findall(rf"/{view}/show/(\d+)", html)}


def test_start_page_money_figures_link_to_their_rows(client, login_as, session, dataset, today):
    from app.models import Invoice, Payment

    login_as(ROLE_ACCOUNTANT)
    home = client.get("/").text
    tiles = _tiles(home)
    assert tiles["debt"][1] == fmt(EXPECTED["all_debt"])
    assert tiles["overdue"][1] == fmt(sum(EXPECTED["all_buckets"]))
    assert tiles["invoiced"][1] == fmt(EXPECTED["invoiced_month"])
    assert tiles["paid"][1] == fmt(EXPECTED["paid_month"])
    assert tiles["unallocated"][1] == fmt(EXPECTED["unallocated"])
    assert tiles["occupancy"][1] == "50,94 %"
    ages = re.findall(r'<a href="([^"]+)" class="money-tile money-age".*?<strong class="money-value"[^>]*>(.*?)</strong>', home, re.S)
    assert [unescape(re.sub(r"<[^>]+>", "", v)).replace("\xa0", " ") for _, v in ages] == [fmt(v) for v in EXPECTED["all_buckets"]]
    invoices = session.query(Invoice).all()
    for (url, _), amount in zip(ages, EXPECTED["all_buckets"]):  # each age lists exactly the invoices it sums
        ids = _listed_ids(client.get(unescape(url)).text, "invoiceview")
        assert sum(i.amount - i.paid_amount for i in invoices if i.id in ids) == amount
    ids = _listed_ids(client.get(tiles["invoiced"][0]).text, "invoiceview")
    assert sum(i.amount for i in invoices if i.id in ids) == EXPECTED["invoiced_month"]
    assert EXPECTED["deposit_month"][0] not in {i.amount for i in invoices if i.id in ids}  # the deposit is not revenue
    assert tiles["paid"][0] == "/reports/revenue/"  # paid leaves the deposit out: the report shows it, no list sums it
    payments = session.query(Payment).all()
    ids = _listed_ids(client.get(tiles["unallocated"][0]).text, "paymentview")
    assert sum(p.amount - p.allocated_amount for p in payments if p.id in ids) == EXPECTED["unallocated"]
    assert client.get(tiles["debt"][0]).status_code == 200 and tiles["occupancy"][0] == "/reports/vacancy/"
    assert home.count('class="arenda-chart"') == 3


def test_start_page_shows_no_money_to_the_tariff_role(client, login_as):
    login_as(ROLE_TARIFF)
    assert "money-tile" not in client.get("/").text


def test_cli_writes_a_report_for_a_day(app, dataset, today, tmp_path):
    import json

    path = tmp_path / "rent-roll.xlsx"
    result = app.test_cli_runner().invoke(args=["report", "rent-roll", "--on", today.isoformat(), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"file": str(path), "report": "rent-roll", "on": today.isoformat(),
                                         "sheets": ["Рент-ролл", "Окончания по годам"]}
    sheet = openpyxl.load_workbook(path)["Рент-ролл"]
    assert [sheet.cell(r, 1).value for r in range(2, 5)] == ["С-3", "С-1", "С-2"]
    bad = app.test_cli_runner().invoke(args=["report", "rent-roll", "--on", "31.12.2026", "-o", str(path)])
    assert bad.exit_code != 0


def test_an_empty_landlord_sees_zeros_and_empty_reports(client, login_as):
    login_as(ROLE_VIEWER)
    tiles = _tiles(client.get("/").text)
    assert tiles["debt"][1] == fmt(0) and tiles["occupancy"][1] == "0,00 %"
    for page in PAGES:
        assert client.get(f"/reports/{page}/").status_code == 200
        assert client.get(f"/reports/{page}/?format=xlsx").status_code == 200
