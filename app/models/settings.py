"""Portal settings as key/value rows (SMTP, public email, feed token, 1C export ...).

Keys are declared by the features that own them; values are text (JSON where structured).
"""
import re
from typing import Optional

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.audit import audited
from app.models.base import Model, Timestamps
from app.vocabulary.enums import N_

SECRET_WORDS = re.compile("password|token|secret", re.IGNORECASE)


def secret_key(key):
    """A key whose value is a secret (the SMTP password, a feed's or a hook's token)."""
    return bool(SECRET_WORDS.search(key or ""))


def holds_secret(setting):
    """A setting holding a secret: never logged."""
    return secret_key(setting.key)


@audited(N_("Настройка"), secret_row=holds_secret)
class Setting(Timestamps, Model):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Optional[str]] = mapped_column(Text)

    def __str__(self):
        return self.key



class ChangeStamp(Model):
    """A number per topic drawn anew by every transaction that changes the topic's rows, in that
    transaction (app.hooks.changes): what is derived from those rows and kept (the listing feeds)
    is stale exactly when the topic's stamp differs from the one it was made at. Random, not
    counted: rows emptied or restored and changed again never give an old stamp back."""

    __tablename__ = "change_stamp"

    topic: Mapped[str] = mapped_column(String(50), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
