"""Portal settings by key (the `setting` table): one way to read, write and clear them."""
from app.models import Setting
from app.models.settings import secret_key


def get(session, key):
    """The saved text of `key`, or None when nothing (or nothing but blank) is saved."""
    setting = session.get(Setting, key)
    return setting.value if setting is not None and setting.value else None


def put(session, key, value):
    """Save `value` (text) under `key`; None or blank removes the key (its default applies again)."""
    setting = session.get(Setting, key)
    if value in (None, ""):
        if setting is not None:
            session.delete(setting)
    else:
        setting = setting or Setting(key=key)
        setting.value = value
        session.add(setting)
    session.flush()


def save(session, values):
    """Save a form's {key: text}: blank removes a key (its default applies again), except a
    secret (password, token), which a blank field leaves as it was, since it is never shown."""
    for key, value in values.items():
        text = "" if value is None else str(value).strip()
        if text or not secret_key(key):
            put(session, key, text)
