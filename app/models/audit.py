"""The audit log (`audit_entry`): who changed what and when, through which door, with the old and
new values; and the registry of audited models.

A model opts in with the class decorator `@audited(N_("Label"))` (FAB's User and ApiKey are
registered below); app.hooks.audit records every insert, update and delete of a registered model
at flush, and one `batch` entry per transaction for rows written in bulk (app.bulk.announce).
"""
import datetime as dt
import json
from dataclasses import dataclass
from typing import Callable, Optional

from flask_appbuilder.security.sqla.models import ApiKey, User
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, enum_check, enum_column
from app.vocabulary.enums import N_, AuditAction, AuditDoor

BATCH_COUNT = "count"  # the one key of a batch entry's changes
SECRET = "***"  # what the log says of a secret's value: that it changed, never what it is
ALWAYS_IGNORED = frozenset({"created_at", "updated_at"})  # each save moves them; the entry's moment says when


@dataclass(frozen=True)
class Audit:
    """How one model is audited."""

    kind: str  # the stable name of its rows in the log (the table's name)
    label: str  # Russian, shown in the log's «Объект» column and filter
    secret: frozenset = frozenset()  # columns whose values are never written (password hashes, tokens)
    ignored: frozenset = frozenset()  # columns not worth an entry (login counters); with ALWAYS_IGNORED
    relations: tuple = ()  # many-to-many collections logged as the names of their members (a user's roles)
    secret_row: Optional[Callable] = None  # row -> True when all its values are secret (a setting holding a password)
    skipped: Optional[Callable] = None  # row -> True when the row gets no entry of its own (the schedule's plans)


AUDITED = {}  # model class -> Audit


def audited(label, kind=None, secret=(), ignored=(), relations=(), secret_row=None, skipped=None):
    """Class decorator: rows of the model are audited (see Audit for the options)."""
    def register(cls):
        AUDITED[cls] = Audit(kind or cls.__tablename__, label, frozenset(secret), frozenset(ignored) | ALWAYS_IGNORED,
                             tuple(relations), secret_row, skipped)
        return cls

    return register


def audit_of(obj):
    """The Audit of an object's model (or of a model it subclasses), None when not audited."""
    for cls in type(obj).__mro__:
        if cls in AUDITED:
            return AUDITED[cls]
    return None


def kind_label(kind):
    """The Russian label of a kind of rows in the log (the kind itself when no model names it now)."""
    return next((audit.label for audit in AUDITED.values() if audit.kind == kind), kind or "")


def kind_choices():
    return sorted({(audit.kind, audit.label) for audit in AUDITED.values()}, key=lambda choice: choice[1])


audited(N_("Сотрудник"), kind="staff", secret={"password"}, relations=("roles",),
        ignored={"last_login", "login_count", "fail_login_count", "created_on", "changed_on", "created_by_fk",
                 "changed_by_fk"})(User)
audited(N_("API-токен"), kind="api_key", secret={"key_hash", "lookup_hash"}, ignored={"last_used_on", "created_on"})(ApiKey)


def change_list(changes):
    """[(column, old, new)] of an entry's stored `changes`."""
    return [(column, old, new) for column, (old, new) in json.loads(changes or "{}").items()]


class AuditEntry(Model):
    """One change of one row (`create`, `update`, `delete`: `changes` = {column: [old, new]}, JSON,
    dates and amounts as text, None before a create and after a delete), or one bulk write
    (`batch`: `changes` = {"count": [None, n]}). Written in
    the transaction of the change; never edited or deleted (the log is history)."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        enum_check("door", AuditDoor),
        enum_check("action", AuditAction),
        Index("ix_audit_entry_kind_object", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moment: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    user_name: Mapped[Optional[str]] = mapped_column(String(255))  # the login then: kept if the user is deleted
    door: Mapped[str] = enum_column(AuditDoor)
    action: Mapped[str] = enum_column(AuditAction)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    object_id: Mapped[Optional[str]] = mapped_column(String(100))  # the row's key (a setting's is text)
    changes: Mapped[str] = mapped_column(Text, nullable=False, default="{}")

    user = relationship("User")

    def change_list(self):
        return change_list(self.changes)

    def __str__(self):
        return f"{self.kind} {self.object_id or ''}".strip()
