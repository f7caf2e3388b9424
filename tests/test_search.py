"""The top bar's search: tenants by name or INN, contracts, invoices and acts by number,
money operations by number or amount, grouped by kind, only the kinds the user may read."""
from decimal import Decimal

from app.domain import search
from app.permissions import ROLE_MANAGER, ROLE_TARIFF
from tests import factories


def _kinds(groups):
    return {group.kind: group.rows for group in groups}


def test_finds_a_tenant_by_name_case_insensitively_and_by_inn(session):
    tenant = factories.customer(session, name="ООО «Ромашка»")
    factories.customer(session, name="ООО «Василёк»")
    assert _kinds(search.search(session, "ромаш"))["counterparties"] == [tenant]
    assert _kinds(search.search(session, tenant.inn))["counterparties"] == [tenant]


def test_finds_documents_by_their_number_or_its_tail_after_the_prefix(session):
    contract = factories.contract(session, number="Д-2026/17")
    factories.contract(session, number="Д-2026/117")
    invoice = factories.invoice(session, contract, number="А-17")
    act = factories.act(session, contract, number="А-17")
    factories.invoice(session, contract, number="А-117")
    found = _kinds(search.search(session, "17"))
    assert found["invoices"] == [invoice] and found["acts"] == [act]
    assert found["contracts"] == [contract]  # «17» after the slash, not the end of «117»
    assert _kinds(search.search(session, "2026/17"))["contracts"] == [contract]
    assert _kinds(search.search(session, "а-17"))["invoices"] == [invoice]


def test_finds_money_by_amount_written_as_people_write_it(session):
    paid = factories.payment(session, amount=Decimal("12500.50"), number="901")
    factories.payment(session, amount=Decimal("12500.00"), number="902")
    for text in ("12 500,50", "12500.50", "12500,5 ₽"):
        assert _kinds(search.search(session, text))["payments"] == [paid], text
    assert _kinds(search.search(session, "901"))["payments"] == [paid]


def test_short_or_wild_text_finds_nothing(session):
    factories.customer(session, name="ООО «Ромашка»")
    assert search.search(session, "р") == []
    assert search.search(session, "%%") == []
    assert search.search(session, "__") == []


def test_each_group_stops_at_its_limit(session):
    for n in range(search.LIMIT + 2):
        factories.customer(session, name=f"ИП Сидоров {n}")
    (group,) = search.search(session, "Сидоров")
    assert len(group.rows) == search.LIMIT and group.more


def test_the_results_page_groups_by_kind_with_statuses(client, login_as, session):
    contract = factories.contract(session, number="Д-55", customer=factories.customer(session, name="ООО «Д-55 Трейд»"))
    factories.invoice(session, contract, number="А-55", amount=Decimal("5500.00"))
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.get("/search/?q=55").text
    assert 'id="search-counterparties"' in page and "ООО «Д-55 Трейд»" in page
    assert 'id="search-contracts"' in page and "Подписан" in page
    assert 'id="search-invoices"' in page and "Выставлен" in page and "Не оплачен" in page
    assert 'id="top-search"' in page  # the box stays in the top bar


def test_a_user_finds_only_the_kinds_they_may_read(client, login_as, session):
    factories.customer(session, name="ООО «Ромашка»")
    session.commit()
    login_as(ROLE_TARIFF)
    assert client.get("/search/?q=Ромашка").status_code == 403
    assert 'id="top-search"' not in client.get("/tariffview/list/").text


def test_an_empty_query_shows_the_form(client, login_as, session):
    login_as(ROLE_MANAGER)
    page = client.get("/search/")
    assert page.status_code == 200 and "Введите хотя бы два символа" in page.text


def test_only_the_kinds_asked_for_are_searched(session):
    contract = factories.contract(session, number="Д-77", customer=factories.customer(session, name="ООО «Д-77»"))
    assert [g.kind for g in search.search(session, "Д-77", kinds=("contracts",))] == ["contracts"]
    assert _kinds(search.search(session, "Д-77"))["counterparties"] == [contract.customer]
