"""Writing to the outbox: one row per message and recipient, exactly once.

The key is (event, object, recipient, trigger day) — `uq_outbox_once`. `put()` inserts with
ON CONFLICT DO NOTHING, so whoever writes a message a second time (the nightly job run twice,
two workers at once) writes nothing, without an error and without a race. Nothing here commits.
"""
import json
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.enums import OutboxStatus
from app.models import OutboxMessage
from app.timeutil import utcnow

EMAIL = "email"
WRITTEN = "arenda.outbox_written"  # session.info flag: this transaction wrote outbox rows
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_KEY = ["event", "object_ref", "recipient", "trigger_date"]


@dataclass
class Content:
    """What a message says. `sender_name` None: the application's own name; `attachments`:
    references that are turned into files when the message is sent (see attachments.py)."""

    subject: str
    text: str
    html: Optional[str] = None
    sender_name: Optional[str] = None
    reply_to: Optional[str] = None
    attachments: list = field(default_factory=list)


def unique_addresses(addresses):
    """Addresses without blanks and without repeats (compared case-insensitively), in order."""
    seen, result = set(), []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def put(session, event, object_ref, recipients, trigger_date, content, channel=EMAIL):
    """Queue `content` for each recipient; returns how many rows are new (0: all were there)."""
    now = utcnow()
    rows = [
        dict(event=str(event), object_ref=object_ref[:100], recipient=recipient, trigger_date=trigger_date, channel=channel,
             subject=content.subject[:500], body_text=content.text, body_html=content.html, sender_name=content.sender_name,
             reply_to=content.reply_to, attachments=json.dumps(content.attachments) if content.attachments else None,
             status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now, created_at=now)
        for recipient in unique_addresses(recipients)
    ]
    if not rows:
        return 0
    insert = _INSERT[session.get_bind().dialect.name]
    created = session.scalars(
        insert(OutboxMessage).values(rows).on_conflict_do_nothing(index_elements=_KEY).returning(OutboxMessage.id)
    ).all()
    if created:
        session.info[WRITTEN] = True
    return len(created)


def resend(session, ids, now=None):
    """Send the messages again from the first attempt (the outbox page's action)."""
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(list(ids)))
        .values(status=OutboxStatus.PENDING.value, attempts=0, last_error=None, next_attempt_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    session.info[WRITTEN] = True
    return result.rowcount
