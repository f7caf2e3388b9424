"""Russian everywhere, in a real browser: every page each of the five roles can reach from its
menu (and a few cards and forms of each list) shows no known English string of FAB, select2 or
the date picker, and no ISO date; no menu item leads to a refusal. The date picker is a Russian
calendar, Monday first, and a date is shown and typed as дд.мм.гггг."""
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.demo.load import load
from app.models import KeyRate
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_OWNER, ROLE_TARIFF, ROLE_VIEWER
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

ENGLISH = [
    "Are you sure", "Cancel", "List Groups", "List Users", "List Roles", "Select a State", "Remove all items", "Show",
    "Edit", "Delete", "Add", "Detail", "Back", "Forbidden", "Not Found", "Internal Server Error", "permission",
    "Select Value", "Select", "Record Count", "Page size", "Search", "Actions", "Security", "User confirmation needed",
    "No records found", "Equal to", "Starts with", "Contains", "Save", "Login Count", "None", "Today", "Clear",
]
ENGLISH_RE = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])")
ROLES = [ROLE_OWNER, ROLE_TARIFF, ROLE_MANAGER, ROLE_ACCOUNTANT, ROLE_VIEWER]
CARDS_PER_LIST = 2

# Visible text, and the texts a user meets without seeing them at once: tooltips, placeholders,
# screen-reader labels, the (hidden) confirmation dialog.
TEXTS = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('[title],[placeholder],[aria-label],[alt],.sr-only,.modal')) {
    for (const name of ['title', 'data-original-title', 'placeholder', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
    if (el.matches('.sr-only,.modal')) out.push(el.textContent);
  }
  return out.join('\\n');
}"""


@pytest.fixture()
def landlord(app, session):
    load(session, app.appbuilder.sm, date(2026, 12, 1))
    session.commit()


def offenders(page):
    text = page.evaluate(TEXTS)
    return sorted(set(ENGLISH_RE.findall(text)) | set(ISO_DATE.findall(text)))


def hrefs(page, selector):
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def test_every_page_of_every_role_is_russian(page, landlord):
    found, refused = {}, []
    for role in ROLES:
        sign_in(page, role_username(role), PASSWORD)
        menu = [h for h in dict.fromkeys(hrefs(page, ".navbar a[href^='/']")) if "logout" not in h and "/lang/" not in h]
        pages = ["/"] + menu
        for href in menu:
            response = page.goto(href)
            if response.status >= 400:
                refused.append((role, href, response.status))
            for selector in ("a[href*='/show/']", "a[href*='/edit/']", "a[href$='/add']"):
                pages += hrefs(page, f".panel {selector}, table {selector}")[:CARDS_PER_LIST]
        pages += ["/nowhere-at-all", "/users/list/"]  # the 404 page; the staff list (403 but for the Owner)
        for href in dict.fromkeys(pages):
            page.goto(href)
            page.wait_for_load_state("domcontentloaded")
            bad = offenders(page)
            if bad:
                found[(role, href)] = bad
        page.goto("/logout/")
    assert refused == [], "menu items leading to a refusal"
    assert not found, "English or ISO dates on these pages:\n" + "\n".join(f"{role} {href}: {bad}" for (role, href), bad in found.items())


def test_the_error_pages_are_russian_in_the_frame_with_a_way_back(page, landlord):
    sign_in(page, role_username(ROLE_VIEWER), PASSWORD)
    response = page.goto("/contractview/add", referer=page.url.rsplit("/", 1)[0] + "/contractview/list/")
    assert response.status == 403
    assert "Нет доступа" in page.inner_text("h2")
    assert page.locator(".navbar").count() == 1  # the product's frame
    assert page.locator("a", has_text="На главную").count() == 1 and page.locator("#error-back").count() == 1
    page.screenshot(path="tests/e2e/last-error-403.png")
    response = page.goto("/contractview/show/999999")
    assert response.status == 404 and "Страница не найдена" in page.inner_text("h2")


def test_the_viewer_sees_no_menu_item_it_cannot_open(page, landlord):
    sign_in(page, role_username(ROLE_VIEWER), PASSWORD)
    menu = page.text_content(".navbar")
    assert "Импорт" not in menu and "Настройки портала" not in menu
    assert "Уведомления" in menu  # what it may read stays


def test_the_owners_navbar_fits_on_one_line_and_lists_use_the_width(page, landlord):
    page.set_viewport_size({"width": 1280, "height": 800})  # with the top bar's search box
    sign_in(page, role_username(ROLE_OWNER), PASSWORD)
    page.goto("/contractview/list/")
    tops = page.eval_on_selector_all(".navbar-nav > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, tops
    width = page.evaluate("() => document.querySelector('.panel').getBoundingClientRect().width")
    assert width > 1280 * 0.9
    page.screenshot(path="tests/e2e/last-contract-list-wide.png")


def test_the_date_picker_is_russian_and_dates_are_typed_as_russians_write_them(page, session, landlord):
    sign_in(page, role_username(ROLE_OWNER), PASSWORD)
    page.goto("/keyrateview/add")
    field = page.locator("input[name=start_date]")
    assert field.get_attribute("placeholder") == "дд.мм.гггг"
    field.click()
    calendar = page.locator(".datepicker-days")
    calendar.wait_for(state="visible")
    weekdays = calendar.locator("th.dow").all_inner_texts()
    assert weekdays[:2] == ["Пн", "Вт"] and weekdays[-1] == "Вс"  # Monday first
    assert re.fullmatch(r"(Январь|Февраль|Март|Апрель|Май|Июнь|Июль|Август|Сентябрь|Октябрь|Ноябрь|Декабрь) \d{4}",
                        calendar.locator("th.datepicker-switch").inner_text())
    page.screenshot(path="tests/e2e/last-date-picker.png")
    calendar.locator("td.day:not(.old):not(.new)", has_text=re.compile(r"^15$")).click()
    assert re.fullmatch(r"15\.\d{2}\.\d{4}", field.input_value())

    field.fill("")
    field.type("01.12.2026")
    field.press("Tab")  # leaving the field: the picker re-reads what was typed
    assert field.input_value() == "01.12.2026"
    page.fill("input[name=rate]", "16,5")
    page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    session.expire_all()
    assert session.scalar(select(KeyRate.rate).where(KeyRate.start_date == date(2026, 12, 1))) == Decimal("16.5")
    page.goto("/keyrateview/list/")
    row = page.locator("tr", has_text="01.12.2026")
    assert row.count() == 1 and "16,5" in row.inner_text()
