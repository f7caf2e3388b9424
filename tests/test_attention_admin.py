"""«Требующие внимания» in the admin: the one-click switch and the filters on the four lists,
the reasons column, and the start page's counts linking to the filtered lists."""
import re
from html import unescape

import pytest
from flask_appbuilder.models.sqla.filters import FilterEqual

from app.domain import attention
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_TARIFF
from app.timeutil import today
from app.views.attention import AttentionMixin
from tests import attention_dataset

LISTS = {"contracts": "contractview", "invoices": "invoiceview", "acts": "actview", "money": "paymentview"}


@pytest.fixture()
def dataset(session):
    rows = attention_dataset.build(session, today())
    session.commit()
    return rows


def listed(html, dataset, kind):
    """{row name: [reasons]} of the list page's rows."""
    by_id = {row.id: name for name, row in dataset[kind].items()}
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        pk = re.search(rf"/{LISTS[kind]}/show/(\d+)", row)
        if pk:
            reasons = re.findall(r'<div class="attention-reason[^"]*">(.*?)</div>', row)
            found[by_id[int(pk.group(1))]] = [unescape(r) for r in reasons]
    return found


def expected(kind):
    """{row name: [reasons]} the rules give, in the rules' order."""
    rows = {}
    for rule in attention.rules_for(kind):
        for name in attention_dataset.EXPECTED[(kind, rule.key)]:
            rows.setdefault(name, []).append(rule.label)
    return rows


def view_of(app, kind):
    return next(
        v for v in app.appbuilder.baseviews if isinstance(v, AttentionMixin) and attention.kind_of(v.datamodel.obj) == kind
    )


@pytest.mark.parametrize("kind", list(attention.KINDS))
def test_the_switch_lists_exactly_the_rows_needing_attention_with_reasons(client, login_as, dataset, kind):
    login_as(ROLE_MANAGER)
    page = client.get(f"/{LISTS[kind]}/list/")
    assert page.status_code == 200
    everything = listed(page.text, dataset, kind)
    assert set(everything) == set(dataset[kind])  # switched off: every row, reasons beside those needing them
    switch = re.search(r'<a href="([^"]+)" class="[^"]*attention-switch', page.text).group(1)

    page = client.get(unescape(switch))
    assert page.status_code == 200
    assert listed(page.text, dataset, kind) == expected(kind)
    assert 'aria-checked="true"' in page.text
    switch_off = unescape(re.search(r'<a href="([^"]+)" class="[^"]*attention-switch', page.text).group(1))
    assert set(listed(client.get(switch_off).text, dataset, kind)) == set(dataset[kind])


def test_the_filter_combines_with_other_filters(app, client, login_as, dataset):
    login_as(ROLE_MANAGER)
    view = view_of(app, "contracts")
    status_equal = [type(f) for f in view._filters.get_search_filters()["status"]].index(FilterEqual)
    page = client.get(f"/contractview/list/?_flt_{status_equal}_status=signed")
    switch = unescape(re.search(r'<a href="([^"]+)" class="[^"]*attention-switch', page.text).group(1))
    assert f"_flt_{status_equal}_status=signed" in switch
    rows = listed(client.get(switch).text, dataset, "contracts")
    assert set(rows) == {"no original", "no original, 400 days", "365 days", "debtor"}


def test_start_page_counts_each_rule_and_links_to_its_rows(client, login_as, dataset):
    login_as(ROLE_ACCOUNTANT)
    home = client.get("/").text
    links = re.findall(r'<a href="([^"]+)" class="list-group-item attention-rule[^"]*">\s*<span class="badge">(\d+)</span>([^<]+)', home)
    assert len(links) == len(attention.RULES)
    for (url, count, label), rule in zip(links, attention.RULES):
        assert label.strip() == rule.label
        rows = listed(client.get(unescape(url)).text, dataset, rule.kind)
        assert set(rows) == attention_dataset.EXPECTED[(rule.kind, rule.key)]
        assert int(count) == len(rows)
    totals = re.findall(r'<a href="([^"]+)" class="attention-total">\s*<strong>([^<]+)</strong> <span class="badge pull-right">(\d+)', home)
    assert [(title, int(n)) for _, title, n in totals] == [("Договоры", 7), ("Счета", 6), ("Акты", 2), ("Деньги", 2)]


def test_start_page_shows_no_counts_to_a_role_without_those_lists(client, login_as, session):
    login_as(ROLE_TARIFF)
    home = client.get("/")
    assert home.status_code == 200
    assert "attention-panel" not in home.text


def shown_count(html):
    return int(re.search(r"<strong>Количество записей:</strong>\s*(\d+)", html).group(1))


@pytest.mark.parametrize("kind", list(attention.KINDS))
def test_a_list_needing_attention_counts_its_rows_by_any_rule_and_by_each(app, client, login_as, dataset, kind):
    """Counted from the rules' partial indexes (attention.count), not by FAB's count of the query:
    the figure above the list is still the number of its rows, each row once."""
    from app.views.attention import list_url

    login_as(ROLE_MANAGER)
    view = view_of(app, kind)
    with app.test_request_context():
        urls = {None: list_url(view), **{rule.key: list_url(view, rule.key) for rule in attention.rules_for(kind)}}
    for key, url in urls.items():
        page = client.get(url).text
        rows = listed(page, dataset, kind)
        assert shown_count(page) == len(rows)
        assert set(rows) == (set(expected(kind)) if key is None else attention_dataset.EXPECTED[(kind, key)])


def test_a_list_needing_attention_and_filtered_otherwise_counts_the_rows_of_both(app, client, login_as, dataset):
    login_as(ROLE_MANAGER)
    view = view_of(app, "contracts")
    status_equal = [type(f) for f in view._filters.get_search_filters()["status"]].index(FilterEqual)
    page = client.get(f"/contractview/list/?_flt_{status_equal}_status=signed&_flt_0_attention=y").text
    assert shown_count(page) == len(listed(page, dataset, "contracts")) == 4
