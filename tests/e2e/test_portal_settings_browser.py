"""In a real browser at 1280 px: the Owner's top bar (menu and search box) on one line, and
«Настройки портала» filled in, refused next to a field, then saved (screenshots in /tmp/shots-portal)."""
import os
from pathlib import Path

import pytest

from app.domain import feeds, settings
from app.permissions import ROLE_OWNER
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("ARENDA_SHOTS", "/tmp/shots-portal"))


def test_the_owner_fills_in_the_portal_settings_at_1280_px(page, session):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, role_username(ROLE_OWNER), PASSWORD)
    page.goto("/portalsettings/form")

    assert page.locator("#top-search").is_visible()
    tops = page.eval_on_selector_all(".navbar-nav > li", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    page.screenshot(path=str(SHOTS / "navbar.png"))
    assert len(set(tops)) == 1, tops  # the menu and the search box on one line
    assert page.locator("label[for=base_url]").inner_text().strip() == "Адрес портала"
    page.screenshot(path=str(SHOTS / "portal-settings.png"), full_page=True)

    page.fill("#base_url", "arenda.landlord.example")
    page.fill("#indexation_days_ahead", "45")
    page.evaluate("() => document.getElementById('base_url').type = 'text'")  # past the browser's own check: ours answers
    page.click("#model_form button[type=submit], #model_form input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Адрес сайта: начните с https://" in page.content()
    page.screenshot(path=str(SHOTS / "portal-settings-refused.png"), full_page=True)
    assert settings.get(session, feeds.BASE_URL_KEY) is None

    page.fill("#base_url", "https://arenda.landlord.example")
    page.click("#model_form button[type=submit], #model_form input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Настройки портала сохранены" in page.content()
    session.expire_all()
    assert settings.get(session, feeds.BASE_URL_KEY) == "https://arenda.landlord.example"
    assert settings.get(session, "indexation_days_ahead") == "45"
