"""A manager works with contracts in a real browser; a viewer cannot edit."""
import pytest

from app.permissions import ROLE_MANAGER, ROLE_VIEWER
from tests import factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def contract(session):
    room = factories.room(session, number="305")
    created = factories.contract(session, rooms=[room], number="АР-26/777")
    session.commit()
    return created


def test_manager_opens_contract_list_and_card(page, contract):
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/contractview/list/")
    assert page.locator("h4.panel-title", has_text="Договоры").count() == 1
    row = page.locator("tr", has_text="АР-26/777")
    assert row.count() == 1
    assert "Подписан" in row.inner_text()
    assert contract.customer.name in row.inner_text()
    row.locator("a[href*='/contractview/show/']").first.click()
    page.wait_for_load_state("networkidle")
    assert "АР-26/777" in page.content()
    assert page.locator("a.card-edit").count() == 1
    page.screenshot(path="tests/e2e/last-contract-card.png")


def test_viewer_sees_no_edit_or_delete_and_edit_url_is_refused(page, contract):
    sign_in(page, role_username(ROLE_VIEWER), PASSWORD)
    page.goto("/contractview/list/")
    assert page.locator("tr", has_text="АР-26/777").count() == 1
    assert page.locator("a[href*='/contractview/edit/']").count() == 0
    assert page.locator("a[href*='/contractview/delete/']").count() == 0
    assert page.locator("a[href*='/contractview/add']").count() == 0
    response = page.goto(f"/contractview/edit/{contract.id}")
    assert response.status == 403 or "/login" in page.url or "Доступ запрещ" in page.content()
    page.goto(f"/contractview/show/{contract.id}")
    assert page.locator("a[href*='/contractview/edit/']").count() == 0
