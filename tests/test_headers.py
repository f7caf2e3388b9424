"""Security headers on every response; session cookie flags."""
import pytest

from app.permissions import ROLE_MANAGER
from config import ProductionConfig


@pytest.mark.parametrize("path", ["/login/", "/api/v1/contract/", "/static/appbuilder/css/ab.css", "/nowhere"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline' ;" not in policy.split("style-src")[0]


def test_inline_scripts_carry_the_responses_nonce(client, login_as):
    login_as(ROLE_MANAGER)
    response = client.get("/contractview/list/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text
    assert "onclick=" not in response.text
    assert client.get("/contractview/list/").headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]


def test_session_cookie_is_lax_and_httponly(client):
    response = client.post("/login/", data={"username": "x", "password": "y"})
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax" and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
