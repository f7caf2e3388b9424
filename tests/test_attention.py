"""Needs attention: exactly which rows each rule lists, at every boundary; the counts, the
CLI, the REST endpoint, the admin filter and the start page built on the same rules."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain import attention
from app.domain.contracts import registration_required
from app.models import Contract
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_TARIFF, ROLE_VIEWER
from tests import attention_dataset, factories

TODAY = date(2026, 3, 15)


def names(rows, kind, ids):
    by_id = {row.id: name for name, row in rows[kind].items()}
    return {by_id[i] for i in ids}


@pytest.fixture()
def dataset(session):
    rows = attention_dataset.build(session, TODAY)
    session.commit()
    return rows


def test_each_rule_lists_exactly_its_rows(session, dataset):
    listed = {}
    for rule in attention.RULES:
        ids = session.scalars(select(rule.model.id).where(rule.predicate(TODAY))).all()
        listed[(rule.kind, rule.key)] = names(dataset, rule.kind, ids)
    assert listed == attention_dataset.EXPECTED


def test_rows_outside_every_rule_are_not_listed(session, dataset):
    listing = attention.listing(session, TODAY)
    for kind, expected_absent in attention_dataset.NOT_LISTED.items():
        listed = names(dataset, kind, [row["id"] for row in listing[kind]])
        assert listed.isdisjoint(expected_absent)
        assert listed | expected_absent == set(dataset[kind])


def test_listing_gives_every_reason_of_a_row(session, dataset):
    listing = attention.listing(session, TODAY)
    contracts = {row["number"]: row["reasons"] for row in listing["contracts"]}
    assert contracts["no original, 400 days"] == ["Активен без оригинала", "Требует регистрации (дольше 364 дней)"]
    assert contracts["draft"] == ["Не активен: черновик, бронь или на подписании"]
    assert contracts["debtor"] == ["Просроченная задолженность"]
    money = {row["id"]: row["reasons"] for row in listing["money"]}
    assert money[dataset["money"]["unallocated"].id] == ["Не разнесено"]
    planned = dataset["invoices"]["planned today"]
    assert {"id": planned.id, "number": None, "reasons": ["Не выставлен, плановая дата наступила"]} in listing["invoices"]


def test_counts_per_rule_and_total(session, dataset):
    counts = attention.counts(session, TODAY)
    expected = {kind: {} for kind in attention.KINDS}
    for (kind, key), rows in attention_dataset.EXPECTED.items():
        expected[kind][key] = len(rows)
    # "no original, 400 days" is listed by two rules but is one contract needing attention.
    distinct = sum(len(set().union(*(r for (k, _), r in attention_dataset.EXPECTED.items() if k == kind))) for kind in attention.KINDS)
    assert counts.as_json() == {**expected, "total": distinct}
    assert counts.by_kind["contracts"] == 7


def test_the_next_day_moves_the_boundaries(session, dataset):
    tomorrow = TODAY + timedelta(days=1)
    invoices = {row["id"] for row in attention.listing(session, tomorrow, ["invoices"])["invoices"]}
    assert {"due today", "planned tomorrow"} <= names(dataset, "invoices", invoices)
    contracts = {row["number"] for row in attention.listing(session, tomorrow, ["contracts"])["contracts"]}
    assert "payer" in contracts  # its invoice due today is overdue tomorrow


@pytest.mark.parametrize("days", [1, 363, 364, 365, 366, 730, None])
def test_registration_rule_agrees_with_the_python_rule(session, days):
    start = date(2024, 2, 29)
    end = start + timedelta(days=days - 1) if days else None
    contract = factories.contract(session, start_date=start, end_date=end, has_original=True)
    rule = attention.rule("contracts", "not_registered")
    listed = session.scalar(select(Contract.id).where(rule.predicate(TODAY), Contract.id == contract.id))
    assert (listed is not None) == registration_required(start, end) == (days is not None and days > 364)


def test_reasons_of_a_page_of_rows(session, dataset):
    page = [dataset["contracts"][name].id for name in ("draft", "364 days", "debtor")]
    assert attention.reasons(session, "contracts", page, TODAY) == {
        page[0]: ["Не активен: черновик, бронь или на подписании"],
        page[1]: [],
        page[2]: ["Просроченная задолженность"],
    }
    assert attention.reasons(session, "contracts", [], TODAY) == {}


# --- CLI ---------------------------------------------------------------------------------


def test_cli_counts_and_list(app, dataset):
    result = app.test_cli_runner().invoke(args=["attention", "counts", "--on", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["contracts"]["overdue_debt"] == 1
    assert counts["money"] == {"not_allocated": 2}
    assert counts["total"] == 7 + 6 + 2 + 2

    result = app.test_cli_runner().invoke(args=["attention", "list", "--on", TODAY.isoformat(), "--kind", "acts"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert list(listing) == ["acts"]
    assert names(dataset, "acts", [row["id"] for row in listing["acts"]]) == {"act on signing", "act planned today"}
    assert listing["acts"][0]["reasons"] == ["На подписании"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["counts", "--on", "15.03.2026"], "ГГГГ-ММ-ДД"),
        (["list", "--on", "2026-02-30"], "ГГГГ-ММ-ДД"),
        (["list", "--kind", "leases"], "contracts, invoices, acts, money"),
    ],
)
def test_cli_refuses_bad_input(app, session, args, message):
    result = app.test_cli_runner().invoke(args=["attention", *args])
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""


# --- REST ----------------------------------------------------------------------------------


def rest_get(app, headers, path):
    """A request from a client of its own: the token alone says who asks (no session cookie)."""
    return app.test_client().get(path, headers=headers)


def test_rest_lists_what_the_role_may_read(app, api_token, session, dataset):
    response = rest_get(app, api_token(ROLE_MANAGER), f"/api/v1/attention/?on={TODAY}")
    assert response.status_code == 200, response.text
    assert response.json == attention.listing(session, TODAY)

    response = rest_get(app, api_token(ROLE_ACCOUNTANT), f"/api/v1/attention/?on={TODAY}&kind=money")
    assert response.status_code == 200
    assert list(response.json) == ["money"]
    assert names(dataset, "money", [row["id"] for row in response.json["money"]]) == {"unallocated", "partly allocated"}

    response = rest_get(app, api_token(ROLE_VIEWER), f"/api/v1/attention/counts?on={TODAY}")
    assert response.status_code == 200
    assert response.json == attention.counts(session, TODAY).as_json()
    assert response.json["invoices"] == {"overdue": 3, "cancelled_with_payments": 1, "not_issued": 2}


def test_rest_refuses_bad_input_and_roles_without_the_lists(app, api_token, session):
    assert rest_get(app, {}, "/api/v1/attention/").status_code == 401
    assert rest_get(app, api_token(ROLE_TARIFF), "/api/v1/attention/").status_code == 403
    headers = api_token(ROLE_MANAGER)
    response = rest_get(app, headers, "/api/v1/attention/?on=yesterday")
    assert response.status_code == 400
    assert "ГГГГ-ММ-ДД" in response.json["message"]
    assert rest_get(app, headers, "/api/v1/attention/?kind=leases").status_code == 400
