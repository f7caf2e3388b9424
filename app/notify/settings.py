"""Mail settings: what the settings page saved (Setting rows) over the environment (app config).

Keys are the environment's names. A key saved on the page wins; a key left blank there falls
back to the environment, so an installation configured by environment needs no page at all.

The SMTP password is stored encrypted (Fernet, key derived from SECRET_KEY, "fernet:" prefix)
and decrypted only in `current()`, which builds the sender's configuration. A value saved in
plain text before encryption existed is read once and re-saved encrypted; one that no longer
decrypts (SECRET_KEY changed) counts as not set, so the environment's applies.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
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


ENCRYPTED = "fernet:"


def _fernet(secret_key):
    digest = hashlib.sha256(b"arenda/mail-password/" + str(secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(secret_key, password):
    return ENCRYPTED + _fernet(secret_key).encrypt(password.encode()).decode()


def _password(session, stored, secret_key):
    """The saved password in clear, re-saving a legacy plain-text one encrypted."""
    if not stored:
        return None
    if not stored.startswith(ENCRYPTED):
        settings.put(session, SECRET, encrypt(secret_key, stored))
        return stored
    try:
        return _fernet(secret_key).decrypt(stored[len(ENCRYPTED):].encode()).decode()
    except InvalidToken:
        return None


def saved(session):
    """{key: text} of the values saved on the page."""
    return dict(session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(KEYS))).all())


def current(session, config):
    """The settings in force: {key: value}, ports as int and flags as bool."""
    stored = saved(session)
    stored[SECRET] = _password(session, stored.get(SECRET), config["SECRET_KEY"])
    result = {}
    for key in KEYS:
        value = stored.get(key)
        if value in (None, ""):
            value = config.get(key)
        result[key] = None if value in (None, "") else _typed(key, value)
    return result


def save(session, values, secret_key):
    """Store the page's values: blank removes a key (the environment applies again), except
    the password, which a blank field leaves as it was (and which is stored encrypted)."""
    for key, value in values.items():
        text = "" if value is None else str(value).strip()
        if isinstance(value, bool):
            text = "true" if value else "false"
        if key == SECRET and text:
            text = encrypt(secret_key, text)
        if text or key != SECRET:
            settings.put(session, key, text)
