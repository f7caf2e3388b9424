"""A manager ticks «Требующие внимания» on the contract list in a real browser and sees exactly
the contracts needing attention, each with its reasons."""
import pytest

from app.domain import attention
from app.permissions import ROLE_MANAGER
from app.timeutil import today
from tests import attention_dataset, factories
from tests.conftest import PASSWORD, role_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def dataset(session):
    rows = attention_dataset.build(session, today())
    session.commit()
    return rows


def expected_contracts():
    rows = {}
    for rule in attention.rules_for("contracts"):
        for name in attention_dataset.EXPECTED[("contracts", rule.key)]:
            rows.setdefault(name, []).append(rule.label)
    return rows


def shown_contracts(page):
    """{number: [reasons]} of the rows on the list page."""
    shown = {}
    for row in page.locator("tr:has(a[href*='/contractview/show/'])").all():
        number = row.locator("td").nth(1).inner_text().strip()
        shown[number] = [r.strip() for r in row.locator(".attention-reason").all_inner_texts()]
    return shown


def test_manager_ticks_needs_attention_on_the_contract_list(page, dataset):
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/contractview/list/")
    assert set(shown_contracts(page)) == set(dataset["contracts"])

    page.get_by_role("switch", name="Требующие внимания").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("switch", name="Требующие внимания").get_attribute("aria-checked") == "true"
    assert shown_contracts(page) == expected_contracts()
    page.screenshot(path="tests/e2e/last-attention-contracts.png", full_page=True)

    page.get_by_role("switch", name="Требующие внимания").click()
    page.wait_for_load_state("networkidle")
    assert set(shown_contracts(page)) == set(dataset["contracts"])


def test_start_page_count_opens_the_contracts_of_its_rule(page, dataset):
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/")
    link = page.locator("a.attention-rule", has_text="Активен без оригинала")
    assert link.locator(".badge").inner_text() == "2"
    link.click()
    page.wait_for_load_state("networkidle")
    assert shown_contracts(page) == {
        "no original": ["Активен без оригинала"],
        "no original, 400 days": ["Активен без оригинала", "Требует регистрации (дольше 364 дней)"],
    }


def test_needs_attention_combines_with_a_customer_filter_chosen_by_search(page, session, dataset):
    tenant = factories.customer(session, name="ООО «Другой арендатор»")
    other = factories.contract(session, number="other customer, draft", status="draft", customer=tenant)
    session.commit()
    sign_in(page, role_username(ROLE_MANAGER), PASSWORD)
    page.goto("/contractview/list/")
    page.get_by_role("switch", name="Требующие внимания").click()
    page.wait_for_load_state("networkidle")
    assert other.number in shown_contracts(page)

    page.locator("#accordion1 a, a[href='#accordion1'], .panel-title a").first.click()
    page.locator("#filter_form button.dropdown-toggle").click()
    page.locator("#filter_form a.filter[name=customer]").click()
    page.locator("#filter_form .select2-selection").last.click()
    page.locator(".select2-search__field").fill(dataset["contracts"]["debtor"].customer.name[5:15])
    page.locator(".select2-results__option", has_text=dataset["contracts"]["debtor"].customer.name).click()
    page.locator("#filter_form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert shown_contracts(page) == expected_contracts()
    assert page.get_by_role("switch", name="Требующие внимания").get_attribute("aria-checked") == "true"
