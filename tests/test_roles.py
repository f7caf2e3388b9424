"""The role matrix of SPEC §1.1, walked over every admin view and every REST resource,
for every role, read and write. The expected table is written here from the spec, not
derived from app.permissions, so a wrong grant there fails this test."""
import re
from datetime import date

import pytest

from app import permissions as P
from app.api.base import ArendaApi
from app.models import Account, Inquiry, OutboxMessage
from app.views.base import ArendaModelView

R, W = "read", "write"
RW = {R, W}

PROPERTY = {P.RESOURCE_BUILDING, P.RESOURCE_SECTION, P.RESOURCE_FLOOR, P.RESOURCE_ROOM}
PARTIES = {P.RESOURCE_COUNTERPARTY, P.RESOURCE_BANK_ACCOUNT, P.RESOURCE_CONTACT}
CONTRACTS = {P.RESOURCE_CONTRACT, P.RESOURCE_AGREEMENT}
DOCUMENTS = {P.RESOURCE_INVOICE, P.RESOURCE_ACT, P.RESOURCE_VAT_INVOICE}
MONEY = {P.RESOURCE_PAYMENT, P.RESOURCE_ALLOCATION, P.RESOURCE_MONEY_IMPORT}


def _grants(**groups):
    table = {}
    for resources, access in groups.values():
        for resource in resources:
            table[resource] = access
    return table


# SPEC §1.1, resource by resource. Absent = no access at all.
EXPECTED = {
    P.ROLE_OWNER: _grants(all=(PROPERTY | PARTIES | CONTRACTS | DOCUMENTS | MONEY
                               | {P.RESOURCE_OUTBOX, P.RESOURCE_SETTINGS, P.RESOURCE_TARIFF}, RW)),
    P.ROLE_TARIFF: _grants(tariff=({P.RESOURCE_TARIFF}, RW)),
    P.ROLE_MANAGER: _grants(work=(PROPERTY | PARTIES | CONTRACTS | DOCUMENTS | MONEY | {P.RESOURCE_OUTBOX}, RW)),
    P.ROLE_ACCOUNTANT: _grants(work=(PARTIES | DOCUMENTS | MONEY, RW),
                               look=(PROPERTY | CONTRACTS | {P.RESOURCE_OUTBOX}, {R})),
    P.ROLE_VIEWER: _grants(look=(PROPERTY | PARTIES | CONTRACTS | DOCUMENTS | MONEY | {P.RESOURCE_OUTBOX}, {R})),
}
for role in EXPECTED:
    # The start page's counts (and their REST twin) are for whoever may read some list.
    EXPECTED[role][P.RESOURCE_DASHBOARD] = {R} if role != P.ROLE_TARIFF else set()
EXPECTED[P.ROLE_OWNER][P.RESOURCE_CARD_RULES] = RW  # Настройки: the card-payment rules are settings
# SPEC §1.1: the accountant does the 1C import/export; the schedule of it is a portal setting (Owner).
EXPECTED[P.ROLE_OWNER][P.RESOURCE_EXPORT_1C] = RW
EXPECTED[P.ROLE_ACCOUNTANT][P.RESOURCE_EXPORT_1C] = RW
EXPECTED[P.ROLE_OWNER][P.RESOURCE_EXPORT_1C_SETTINGS] = RW
# Настройки сайта: the feeds' settings are portal settings (Owner); the site's inquiries are sales work
# (Manager handles them, Viewer reads everything but staff, tariff and settings; not the Accountant's).
EXPECTED[P.ROLE_OWNER][P.RESOURCE_FEEDS] = RW
EXPECTED[P.ROLE_OWNER][P.RESOURCE_INQUIRY] = RW
EXPECTED[P.ROLE_MANAGER][P.RESOURCE_INQUIRY] = RW
EXPECTED[P.ROLE_VIEWER][P.RESOURCE_INQUIRY] = {R}
for resource in (P.RESOURCE_AMOCRM, P.RESOURCE_API_TOKENS, P.RESOURCE_WEBHOOKS):  # integrations: Owner only
    EXPECTED[P.ROLE_OWNER][resource] = RW
# «Загрузка из Excel» creates counterparties, property and contracts: whoever may write all three.
EXPECTED[P.ROLE_OWNER][P.RESOURCE_ONBOARDING] = EXPECTED[P.ROLE_MANAGER][P.RESOURCE_ONBOARDING] = RW
# The audit log is the Owner's to read (nobody writes it: it is history).
EXPECTED[P.ROLE_OWNER][P.RESOURCE_AUDIT] = {R}
# «Отчёты» are read by whoever works with the business (Viewer included); the tariff role sees only its tariff.
for role in (P.ROLE_OWNER, P.ROLE_MANAGER, P.ROLE_ACCOUNTANT, P.ROLE_VIEWER):
    EXPECTED[role][P.RESOURCE_REPORTS] = {R}
STAFF_ROLES_ALLOWED = {P.ROLE_OWNER}


def _views(app):
    return [v for v in app.appbuilder.baseviews if isinstance(v, ArendaModelView)]


def _apis(app):
    return [v for v in app.appbuilder.baseviews if isinstance(v, ArendaApi)]


def _pages(app):
    """Every view and API of ours but the REST resources (walked by test_rest_resources)."""
    ours = {value for key, value in vars(P).items() if key.startswith("RESOURCE_")}
    return [v for v in app.appbuilder.baseviews
            if getattr(v, "class_permission_name", None) in ours and not isinstance(v, ArendaApi)]


# FAB's action routes check the action's permission themselves and answer with a flash.
UNGUARDED = {"action", "action_post"}


def _allowed(role, resource, access):
    return access in EXPECTED[role].get(resource, set())


@pytest.fixture()
def rows(session):
    """One row where a write check needs an existing record (tariff edit, outbox delete)."""
    account = Account(name="Тест", plan_name="Базовый")
    message = OutboxMessage(event="test", object_ref="x:1", recipient="a@b.ru", trigger_date=date(2026, 1, 1),
                            subject="s", body_text="b")
    inquiry = Inquiry(name="Анна", email="a@b.ru", message="Офис?")
    session.add_all([account, message, inquiry])
    session.commit()
    return {P.RESOURCE_TARIFF: account.id, P.RESOURCE_OUTBOX: message.id, P.RESOURCE_INQUIRY: inquiry.id}


def test_matrix_covers_every_resource(app):
    resources = {v.class_permission_name for v in _views(app) + _apis(app)}
    known = set().union(*(set(grants) for grants in EXPECTED.values()))
    assert resources <= known, f"resources without an expected row: {resources - known}"


@pytest.mark.parametrize("role", P.ROLES)
def test_admin_views(app, client, login_as, rows, role):
    login_as(role)
    checked = 0
    for view in _views(app):
        name, resource = type(view).__name__, view.class_permission_name
        routes = {rule.endpoint.split(".")[-1]: rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(name + ".")}
        response = client.get(f"/{name.lower()}/list/")
        expected = 200 if _allowed(role, resource, R) else 403
        assert response.status_code == expected, f"{role} read {name}: {response.status_code}"
        if "add" in routes:
            response = client.get(f"/{name.lower()}/add")
        elif "edit" in routes:
            response = client.get(f"/{name.lower()}/edit/{rows[resource]}")
        elif "delete" in routes:
            response = client.post(f"/{name.lower()}/delete/{rows[resource]}")
        else:
            continue
        if _allowed(role, resource, W) and view.base_permissions == [P.CAN_READ, P.CAN_WRITE]:
            assert response.status_code in (200, 302), f"{role} write {name}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} write {name}: {response.status_code}"
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("role", P.ROLES)
def test_other_pages_and_their_actions(app, client, api_token, login_as, role):
    """Every route of the non-CRUD pages, judged by the permission its method needs."""
    login_as(role)
    headers = api_token(role)
    checked = 0
    for view in _pages(app):
        name, resource = type(view).__name__, view.class_permission_name
        for rule in app.url_map.iter_rules():
            method_name = rule.endpoint.split(".")[-1]
            if not rule.endpoint.startswith(name + ".") or method_name in UNGUARDED:
                continue
            access = view.method_permission_name[method_name]
            url = re.sub(r"<[^>]+>", "999999", rule.rule.replace("<string:filename>", "none_sep_none.txt"))
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.open(url, method=method, headers=headers, data={})
            if _allowed(role, resource, access):
                assert response.status_code != 403, f"{role} {method} {url}"
            else:
                assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
            checked += 1
    assert checked >= 100


@pytest.mark.parametrize("role", P.ROLES)
def test_staff_views(client, login_as, role):
    login_as(role)
    expected = 200 if role in STAFF_ROLES_ALLOWED else 403
    assert client.get("/users/list/").status_code == expected
    assert client.get("/users/add").status_code == expected
    assert client.get("/roles/list/").status_code == expected
    assert client.get("/users/userinfo/").status_code == 200  # everyone sees their own card


@pytest.mark.parametrize("role", P.ROLES)
def test_rest_resources(app, client, api_token, role):
    headers = api_token(role)
    for api in _apis(app):
        resource = api.class_permission_name
        base = f"/api/v1/{api.resource_name}/"
        response = client.get(base, headers=headers)
        expected = 200 if _allowed(role, resource, R) else 403
        assert response.status_code == expected, f"{role} GET {base}: {response.status_code}"
        response = client.post(base, json={}, headers=headers)
        if api.include_route_methods and "post" not in api.include_route_methods:
            assert response.status_code in (403, 405), f"{role} POST {base} (read-only): {response.status_code}"
        elif _allowed(role, resource, W):
            assert response.status_code in (400, 422), f"{role} POST {base}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role} POST {base}: {response.status_code}"


def test_anonymous_is_sent_to_login(client):
    response = client.get("/contractview/list/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/contract/").status_code == 401


def test_menu_shows_only_what_the_role_may_open(client, login_as):
    login_as(P.ROLE_TARIFF)
    page = client.get("/tariffview/list/").get_data(as_text=True)
    assert "Тариф" in page
    for hidden in ("Договоры", "Контрагенты", "Деньги", "Сотрудники"):
        assert hidden not in page, hidden
