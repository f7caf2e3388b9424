"""The security REST API keeps login and refresh only; staff are managed in the admin, in
Russian, and no change there can leave the installation without an active Owner."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import staff
from app.errors import DomainError
from app.models import Role, User
from app.permissions import ROLE_MANAGER, ROLE_OWNER
from tests.conftest import PASSWORD, role_username

ROOT = Path(__file__).resolve().parent.parent


def _owner(session):
    return session.scalar(select(User).where(User.username == role_username(ROLE_OWNER)))


def _role(session, name):
    return session.scalar(select(Role).where(Role.name == name))


def _form(user, **changes):
    data = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "email": user.email, "active": "y" if user.active else "", "roles": [r.id for r in user.roles]}
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/security/roles/"), ("post", "/api/v1/security/roles/"), ("delete", "/api/v1/security/roles/1"),
    ("put", "/api/v1/security/roles/1"), ("get", "/api/v1/security/users/"), ("post", "/api/v1/security/users/"),
    ("put", "/api/v1/security/users/1"), ("delete", "/api/v1/security/users/1"), ("get", "/api/v1/security/groups/"),
    ("get", "/api/v1/security/permissions/"), ("get", "/api/v1/security/permissions-resources/"),
    ("post", "/api/v1/security/roles/1/permissions"),
])
def test_rest_security_crud_is_gone(client, session, api_token, method, path):
    headers = api_token(ROLE_OWNER)
    response = getattr(client, method)(path, headers=headers, json={"name": "x"})
    assert response.status_code in (404, 405)
    assert _role(session, ROLE_OWNER) is not None


def test_rest_login_and_refresh_still_work(client, session):
    login = client.post("/api/v1/security/login", json={
        "username": role_username(ROLE_MANAGER), "password": PASSWORD, "provider": "db", "refresh": True})
    assert login.status_code == 200
    refreshed = client.post("/api/v1/security/refresh", headers={"Authorization": f"Bearer {login.json['refresh_token']}"})
    assert refreshed.status_code == 200 and refreshed.json["access_token"]
    assert client.get("/api/v1/contract/", headers={"Authorization": f"Bearer {refreshed.json['access_token']}"}).status_code == 200


def test_nobody_deletes_themselves(client, session, login_as):
    login_as(ROLE_OWNER)
    owner = _owner(session)
    page = client.post(f"/users/delete/{owner.id}", follow_redirects=True)
    assert "Нельзя удалить собственную учётную запись «owner»" in page.text
    session.expire_all()
    assert _owner(session) is not None


@pytest.mark.parametrize("change, message", [
    ({"active": ""}, "отключить его нельзя"),
    ({"roles": "manager"}, "снять с него роль владельца нельзя"),
])
def test_the_last_active_owner_cannot_be_deactivated_or_demoted(client, session, login_as, change, message):
    login_as(ROLE_OWNER)
    owner = _owner(session)
    if change.get("roles"):
        change = {"roles": [_role(session, ROLE_MANAGER).id]}
    page = client.post(f"/users/edit/{owner.id}", data=_form(owner, **change), follow_redirects=True)
    assert f"«owner» — последний действующий владелец: {message}" in page.text
    session.expire_all()
    owner = _owner(session)
    assert owner.active and [r.name for r in owner.roles] == [ROLE_OWNER]


def test_the_last_active_owner_cannot_be_deleted(app, session):
    with pytest.raises(DomainError, match="последний действующий владелец: удалить его нельзя"):
        staff.check_delete(session, _owner(session), acting_user_id=None)


def test_an_owner_can_be_demoted_while_another_owner_remains(app, client, session, login_as):
    second = app.appbuilder.sm.add_user("owner2", "Вера", "Второва", "owner2@test.example", [_role(session, ROLE_OWNER)],
                                        PASSWORD)
    login_as(ROLE_OWNER)
    page = client.post(f"/users/edit/{second.id}", data=_form(second, roles=[_role(session, ROLE_MANAGER).id]),
                       follow_redirects=True)
    assert "последний действующий владелец" not in page.text
    session.expire_all()
    assert [r.name for r in session.get(User, second.id).roles] == [ROLE_MANAGER]


def test_staff_list_and_card_speak_russian(client, session, login_as):
    login_as(ROLE_OWNER)
    listing = client.get("/users/list/").text
    assert "Владелец" in listing and "Менеджер" in listing and "Только просмотр" in listing
    assert "[Owner]" not in listing and "[Manager]" not in listing
    assert ">Да<" in listing.replace(" ", "").replace("\n", "")
    card = client.get(f"/users/show/{_owner(session).id}").text
    assert "Владелец" in card and "[Owner]" not in card and "None" not in card
    assert ".*" not in card and "^" not in card
    form = client.get(f"/users/edit/{_owner(session).id}").text
    assert ">Владелец<" in form and ">Бухгалтер<" in form
    roles = client.get("/roles/list/").text
    assert "Тариф и оплата" in roles and "Tariff &amp; Payment" not in roles and "can_read" not in roles


def test_cli_prints_no_filter_warnings(tmp_path):
    env = dict(os.environ, ARENDA_CONFIG="test", ARENDA_INSTANCE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "schedule", "--help"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Filter type not supported" not in result.stdout + result.stderr


def test_groups_page_is_russian_and_hands_out_no_roles(client, session, login_as):
    login_as(ROLE_OWNER)
    listing = client.get("/groups/list/")
    assert listing.status_code == 200 and "Группы" in listing.text and "List Groups" not in listing.text
    assert client.get("/groups/add").status_code == 404  # no group can carry a role to anyone
    assert client.post("/groups/add", data={"name": "admins", "roles": "1"}).status_code in (404, 405)
