"""Login throttling on the web form and the REST login: 5 failures for a login or from an address
within 15 minutes block further attempts for a growing wait; bad or expired tokens answer 401."""
from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from app import timeutil
from app.models import LoginFailure, User
from app.permissions import ROLE_MANAGER, ROLE_OWNER, ROLE_VIEWER
from tests.conftest import PASSWORD, role_username

MANAGER = role_username(ROLE_MANAGER)


@pytest.fixture()
def clock(monkeypatch):
    """The clock the throttle reads, moved by hand: clock.move(minutes=…)."""
    class Clock:
        now = timeutil.utcnow()

        def move(self, **delta):
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", lambda: clock.now)
    return clock


def web_login(client, username, password, address="10.0.0.1"):
    response = client.post("/login/", data={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": address}, follow_redirects=True)
    client.get("/logout/")
    return response.text


def signed_in(page):
    return "/logout/" in page


def rest_login(client, username, password, address="10.0.0.1"):
    return client.post("/api/v1/security/login", json={"username": username, "password": password, "provider": "db"},
                       environ_base={"REMOTE_ADDR": address})


def test_web_login_is_refused_after_five_failures_even_with_the_right_password(client, session, clock):
    for _ in range(5):
        assert "Неверный логин или пароль" in web_login(client, MANAGER, "wrong")
    page = web_login(client, MANAGER, PASSWORD)
    assert not signed_in(page)
    assert "Слишком много неудачных попыток входа. Попробуйте снова через 1 минуту" in page
    clock.move(seconds=61)
    assert signed_in(web_login(client, MANAGER, PASSWORD))


def test_the_wait_grows_with_each_failure_after_the_block(client, session, clock):
    for _ in range(5):
        web_login(client, MANAGER, "wrong")
    clock.move(seconds=61)
    web_login(client, MANAGER, "wrong")
    assert "через 2 минуты" in web_login(client, MANAGER, PASSWORD)
    clock.move(seconds=121)
    web_login(client, MANAGER, "wrong")
    assert "через 4 минуты" in web_login(client, MANAGER, PASSWORD)
    clock.move(minutes=4, seconds=1)
    assert signed_in(web_login(client, MANAGER, PASSWORD))


def test_failures_spread_over_more_than_15_minutes_do_not_block(client, session, clock):
    for _ in range(5):
        web_login(client, MANAGER, "wrong")
        clock.move(minutes=4)
    assert signed_in(web_login(client, MANAGER, PASSWORD))


def test_an_address_is_blocked_after_five_failures_whatever_the_logins(client, session, clock):
    for n in range(5):
        web_login(client, f"guess{n}", "wrong", address="10.6.6.6")
    assert "Слишком много неудачных попыток" in web_login(client, MANAGER, PASSWORD, address="10.6.6.6")
    assert signed_in(web_login(client, MANAGER, PASSWORD, address="10.0.0.2"))


def test_a_successful_login_clears_the_logins_failures(client, session, clock):
    for _ in range(4):
        web_login(client, MANAGER, "wrong", address="10.0.0.1")
    assert signed_in(web_login(client, MANAGER, PASSWORD, address="10.0.0.2"))
    for _ in range(4):
        web_login(client, MANAGER, "wrong", address="10.0.0.3")
    assert signed_in(web_login(client, MANAGER, PASSWORD, address="10.0.0.4"))


def test_rest_login_is_throttled_with_a_russian_message(client, session, clock):
    for _ in range(5):
        assert rest_login(client, MANAGER, "wrong").status_code == 401
    refused = rest_login(client, MANAGER, PASSWORD)
    assert refused.status_code == 429
    assert refused.json["message"] == "Слишком много неудачных попыток входа. Попробуйте снова через 1 минуту"
    assert refused.headers["Retry-After"] == "60"
    clock.move(minutes=1, seconds=1)
    assert rest_login(client, MANAGER, PASSWORD).status_code == 200


def test_the_owner_unblocks_a_user_in_the_staff_admin(client, session, clock, login_as):
    viewer = role_username(ROLE_VIEWER)
    for n in range(5):
        rest_login(client, viewer, "wrong", address=f"10.1.0.{n}")
    assert rest_login(client, viewer, PASSWORD, address="10.1.1.1").status_code == 429
    login_as(ROLE_OWNER)
    user = session.scalar(select(User).where(User.username == viewer))
    page = client.post("/users/action_post", data={"action": "unblock", "rowid": [user.id]}, follow_redirects=True)
    assert "Вход разблокирован: viewer" in page.text
    assert session.scalar(select(LoginFailure.id).where(LoginFailure.username == viewer)) is None
    assert rest_login(client, viewer, PASSWORD, address="10.1.1.1").status_code == 200


def test_only_the_owner_may_unblock(client, session, login_as):
    login_as(ROLE_MANAGER)
    response = client.post("/users/action_post", data={"action": "unblock", "rowid": [1]})
    assert response.status_code in (302, 403)
    assert "/users/list" not in response.headers.get("Location", "")


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c"])
def test_a_bad_token_answers_401(client, session, token):
    response = client.get("/api/v1/contract/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "Токен доступа недействителен" in response.json["message"]


def test_an_expired_token_answers_401(app, client, session):
    with app.app_context():
        token = create_access_token(identity="1", expires_delta=timedelta(seconds=-10))
    response = client.get("/api/v1/contract/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "Срок действия токена истёк" in response.json["message"]
