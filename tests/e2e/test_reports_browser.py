"""The start page's money and the four reports in a real browser: the figures of a known dataset,
the charts drawn (inline SVG, no CSP violation) and a click on a figure opens its filtered list."""
import os

import pytest

from app.domain.words import format_amount
from app.permissions import ROLE_ACCOUNTANT
from app.timeutil import today
from tests import reports_dataset
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("ARENDA_SCREENSHOTS")  # a folder: keep a screenshot of each page there


@pytest.fixture()
def dataset(session):
    rows = reports_dataset.build(session, today())
    session.commit()
    return rows


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_start_page_and_reports_draw_their_charts(page, dataset):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, role_username(ROLE_ACCOUNTANT), PASSWORD)
    page.goto("/")
    shown = {key: page.locator(f"a.money-{key} .money-value").inner_text().replace("\xa0", " ")
             for key in ("debt", "overdue", "invoiced", "paid", "unallocated")}
    expected = reports_dataset.EXPECTED
    assert shown == {key: f"{format_amount(value)} ₽".replace("\xa0", " ") for key, value in (
        ("debt", expected["all_debt"]), ("overdue", sum(expected["all_buckets"])), ("invoiced", expected["invoiced_month"]),
        ("paid", expected["paid_month"]), ("unallocated", expected["unallocated"]))}
    assert page.locator(".home-chart svg.arenda-chart").count() == 3
    assert page.locator(".home-months svg rect").count() > 24  # 12 months × 2 columns, a legend
    _shot(page, "home")
    for path in ("debtors", "vacancy", "rent-roll", "revenue"):
        page.goto(f"/reports/{path}/")
        assert page.locator(".report-chart svg.arenda-chart").is_visible()
        assert page.locator("tr.report-row").count() > 0
        _shot(page, f"report-{path}")
    page.goto("/")
    page.click("a.money-unallocated")
    page.wait_for_load_state("networkidle")
    assert "/paymentview/list/" in page.url and page.locator("a[href*='/paymentview/show/']").count() == 1
    assert problems == []
