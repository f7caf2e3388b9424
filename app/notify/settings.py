"""Mail settings: what the settings page saved (Setting rows) over the environment (app config).

Keys are the environment's names. A key saved on the page wins; a key left blank there falls
back to the environment, so an installation configured by environment needs no page at all.
"""
from sqlalchemy import select

from app.domain import settings

from app.models import Setting

SMTP_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME", "MAIL_PASSWORD")
KEYS = SMTP_KEYS + ("MAIL_DOMAIN", "PUBLIC_EMAIL")
SECRET = "MAIL_PASSWORD"  # left blank on the page: the saved value stays
_FLAGS = {"MAIL_USE_TLS", "MAIL_USE_SSL"}


def _typed(key, value):
    if key in _FLAGS:
        return value.strip().lower() in {"1", "true", "yes", "on"} if isinstance(value, str) else bool(value)
    if key == "MAIL_PORT":
        return int(value)
    return value


def saved(session):
    """{key: text} of the values saved on the page."""
    return dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(KEYS))).all())


def current(session, config):
    """The settings in force: {key: value}, ports as int and flags as bool."""
    stored = saved(session)
    result = {}
    for key in KEYS:
        value = stored.get(key)
        if value in (None, ""):
            value = config.get(key)
        result[key] = None if value in (None, "") else _typed(key, value)
    return result


def save(session, values):
    """Store the page's values: blank removes a key (the environment applies again), except
    the password, which a blank field leaves as it was."""
    for key, value in values.items():
        text = "" if value is None else str(value).strip()
        if isinstance(value, bool):
            text = "true" if value else "false"
        if text or key != SECRET:
            settings.put(session, key, text)
