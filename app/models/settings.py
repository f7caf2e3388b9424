"""Portal settings as key/value rows (SMTP, public email, feed token, 1C export ...).

Keys are declared by the features that own them; values are text (JSON where structured).
"""
from typing import Optional

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Model, Timestamps


class Setting(Timestamps, Model):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Optional[str]] = mapped_column(Text)

    def __str__(self):
        return self.key
