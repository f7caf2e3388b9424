"""Delivering the outbox: what is due now leaves through its channel, once.

Each due message is first claimed — one conditional UPDATE that moves its next attempt a lease
ahead and counts the attempt, committed before anything is sent — so two senders running at
once (the minute cron and a nudge, two workers) never send the same message. Then it is sent
and marked `sent`, or `failed` with the error and a growing back-off, or `dead` when the server
refused it for good or the attempts ran out (the outbox page's "resend" starts it over). A
sender that died mid-way leaves its claims to expire after the lease. Owns its commits.
"""
import json
import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app.domain.enums import OutboxStatus
from app.models import OutboxMessage
from app.notify import attachments, settings
from app.notify.channels import DeliveryError, open_channels
from app.notify.outbox import EMAIL
from app.timeutil import utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)  # after the 1st, 2nd … failure; then every 12 hours
MAX_ATTEMPTS = 20  # about a week of retries
BATCH = 100
RETRYABLE = (OutboxStatus.PENDING.value, OutboxStatus.FAILED.value)


def backoff(attempts):
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def files_dir():
    return Path(current_app.instance_path) / "outbox"


def _due_ids(session, now):
    return session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status.in_(RETRYABLE), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH)
    ).all()


def _claim(session, message_id, now):
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(RETRYABLE), OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return claimed == 1


def _send(session, message, channels):
    channel = channels.get(message.channel)
    if channel is None:
        raise DeliveryError(f"Канал «{message.channel}» не поддерживается", permanent=True)
    try:
        files = attachments.load(session, json.loads(message.attachments or "[]"), files_dir())
    except attachments.MissingAttachment as error:
        raise DeliveryError(str(error), permanent=True) from error
    return channel.send(message, files)


def _record(message, error, now, response=None):
    message.response = error.response if error is not None else response
    if error is None:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT.value, now, None
        return
    dead = error.permanent or message.attempts >= MAX_ATTEMPTS
    message.status = OutboxStatus.DEAD.value if dead else OutboxStatus.FAILED.value
    message.last_error = str(error)
    message.next_attempt_at = now + backoff(message.attempts)


def deliver(session, now=None):
    """Send every message due at `now` (default: the clock). Returns {"sent": n, "failed": n}."""
    now = now or utcnow()
    channels = open_channels(settings.current(session, current_app.config), current_app.config, session)
    counts = {"sent": 0, "failed": 0}
    try:
        while True:
            ids = _due_ids(session, now)
            for message_id in ids:
                if not _claim(session, message_id, now):
                    continue  # another sender has it
                message = session.get(OutboxMessage, message_id, populate_existing=True)
                response = None
                try:
                    response = _send(session, message, channels)
                    error = None
                except DeliveryError as failure:
                    error = failure
                except Exception as failure:  # e.g. a PDF that will not render: recorded, and the others go on
                    log.exception("outbox message %s could not be sent", message_id)
                    error = DeliveryError(f"Ошибка при подготовке письма: {failure}")
                _record(message, error, now, response)
                counts["failed" if error else "sent"] += 1
                session.commit()
            if len(ids) < BATCH:
                return counts
    finally:
        for channel in channels.values():
            channel.close()


def send_now(session, address, content):
    """Send `content` to `address` at once, outside the outbox (the settings page's test email);
    raises DeliveryError with the server's answer."""
    message = OutboxMessage(recipient=address, subject=content.subject, body_text=content.text, body_html=content.html,
                            channel=EMAIL, sender_name=content.sender_name, reply_to=content.reply_to)
    channel = open_channels(settings.current(session, current_app.config), current_app.config)[EMAIL]
    try:
        channel.send(message, [])
    finally:
        channel.close()
