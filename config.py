"""Configuration classes. Every setting can come from the environment.

`Config` is the embedded default (SQLite under instance/, no Redis);
`ProductionConfig` requires DATABASE_URL and SECRET_KEY; `TestConfig` is what the
suite uses (SQLite in a temporary file unless ARENDA_TEST_DATABASE_URL points at PostgreSQL).
"""
import os
import secrets
from pathlib import Path

from app.permissions import FAB_ROLES, ROLE_OWNER, ROLE_VIEWER

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ARENDA_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret():
    """A per-installation secret kept under instance/, so the embedded mode needs no setup."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    APP_NAME = "Аренда"
    SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret()
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'arenda.db'}"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A pooled connection the server dropped (restart, failover, idle timeout) is tested and
    # replaced at checkout, so only a request in flight at the drop fails.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")  # None: embedded mode, jobs run in-process

    # Flask-AppBuilder
    FAB_CREATE_DB = False  # tables come from migrations only (see docs/architecture.md)
    FAB_UPDATE_PERMS = False  # every role is a built-in role: no permission rows needed
    FAB_ROLES = FAB_ROLES
    AUTH_ROLE_ADMIN = ROLE_OWNER
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    # REST keeps /api/v1/security/login and /refresh only: FAB's role/user CRUD could delete the
    # Owner role or hand out roles with no guard; staff are managed in the admin (app/views/staff.py).
    FAB_ADD_SECURITY_API = False
    # Long-lived integration tokens (Настройки → API-токены): FAB's API keys, stored hashed, accepted by
    # @protect as `Authorization: Bearer arenda_…` beside JWT, with the rights of the key's user.
    FAB_API_KEY_ENABLED = True
    FAB_API_KEY_PREFIXES = ["arenda_"]
    # Roles are built-in (app/permissions.py): FAB's permission editors would show empty tables.
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    FAB_API_SWAGGER_UI = True
    FAB_SECURITY_MANAGER_CLASS = "app.security.ArendaSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "arenda/layout.html"  # full width, Russian dialogs and widgets
    FAB_API_MAX_PAGE_SIZE = 500
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_FOLDER = "translations"
    LANGUAGES = {
        "ru": {"flag": "ru", "name": "Русский"},
        "en": {"flag": "gb", "name": "English"},
    }
    APP_THEME = ""
    IMG_UPLOAD_FOLDER = str(INSTANCE_DIR / "uploads") + "/"
    IMG_UPLOAD_URL = "/static/uploads/"
    UPLOAD_FOLDER = str(INSTANCE_DIR / "uploads") + "/"
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    DEFAULT_ROLE_FOR_NEW_STAFF = ROLE_VIEWER

    # Mail: the settings page (Owner) may override each of these (app/notify/settings.py)
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DOMAIN = os.environ.get("MAIL_DOMAIN", "localhost")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER")  # From of staff mail; tenants get robot@MAIL_DOMAIN
    PUBLIC_EMAIL = os.environ.get("PUBLIC_EMAIL")  # receives the public site's inquiries
    # How CIAN, amoCRM and visitors reach us (the URLs we hand out: feeds, photos, the amoCRM webhook);
    # None: the request's own host. The site address in «Настройки сайта → XML-фиды» wins over it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL")


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-jwt-0123456789"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("ARENDA_TEST_DATABASE_URL", "sqlite://")
    MAIL_SUPPRESS_SEND = False
