"""A visitor sends the public site's feedback form from a phone-sized window; the manager finds
the inquiry in «Заявки с сайта»."""
import os
from decimal import Decimal

import pytest

from app.models import Building, Floor, Room
from app.permissions import ROLE_MANAGER
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("ARENDA_SHOTS")  # a folder: save screenshots there to look at them


def test_a_visitor_sends_an_inquiry_and_the_manager_finds_it(browser, live_server, page, session):
    building = Building(name="БЦ «Север»", address="Москва, ул. Профсоюзная, 65к1", description="Офисы класса B у метро")
    level = Floor(building=building, number=3)
    session.add_all([building, level, Room(floor=level, number="301", kind="office", area=Decimal("45"), rent_rate=Decimal("24000"))])
    session.commit()
    phone = browser.new_context(base_url=live_server, locale="ru-RU", viewport={"width": 390, "height": 844})
    visitor = phone.new_page()
    visitor.goto("/site/")
    assert visitor.locator("text=Свободные помещения").count() == 1
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # the price stays on a phone's screen
    visitor.fill(f"#name-{building.id}", "Анна Петрова")
    visitor.fill(f"#phone-{building.id}", "+7 916 123-45-67")
    visitor.fill(f"#message-{building.id}", "Интересует офис 301, когда можно посмотреть?")
    if SHOTS:
        visitor.screenshot(path=f"{SHOTS}/site-phone.png", full_page=True)
    visitor.click("button[type=submit]")
    visitor.wait_for_load_state("networkidle")
    assert visitor.locator("text=Спасибо! Заявка отправлена").count() == 1
    phone.close()
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/inquiryview/list/")
    row = page.locator("tr", has_text="Анна Петрова")
    assert row.count() == 1 and "Новая" in row.inner_text() and "БЦ «Север»" in row.inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/inquiries.png", full_page=True)


def test_the_feed_urls_copy_button_runs_under_the_csp(page, session):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, role_username("Owner"), PASSWORD)
    page.goto("/feedsettings/")
    page.locator(".copy-url").first.click()
    assert page.locator(".copy-url", has_text="Скопировано").count() == 1  # the nonce'd script ran
    assert "/feeds/cian/" in page.input_value("#url-cian")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/feed-settings.png", full_page=True)
