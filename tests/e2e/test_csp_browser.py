"""The admin works under the Content-Security-Policy: no violation reported while a manager signs
in, opens a list and a form a form whose widgets (select2, datepicker, the filter menu) run."""
import pytest

from app.permissions import ROLE_MANAGER
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_admin_pages_raise_no_csp_violations(page, session):
    factories.contract(session, rooms=[factories.room(session, number="306")], number="АР-26/778")
    session.commit()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    response = page.goto("/contractview/list/")
    assert "nonce-" in response.headers["content-security-policy"]
    assert page.locator("tr", has_text="АР-26/778").count() == 1
    page.goto("/contractview/add")
    page.wait_for_load_state("networkidle")
    assert page.locator(".select2-container").count() > 0  # select2 ran: its script was allowed
    page.locator(".select2-container").first.click()
    assert page.locator(".select2-drop-active, .select2-dropdown, .select2-results").count() > 0
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [p for p in problems if "Failed to load resource" not in p], problems  # a missing favicon is no CSP matter
