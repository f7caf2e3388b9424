"""Login throttling: after 5 failed sign-ins for a login or from an address within 15 minutes,
every further attempt (even with the right password) is refused for a growing wait.

The wait starts at the failure that completed the run of 5 and doubles with each failure of the
day that follows it (1, 2, 4 … minutes, at most an hour); attempts refused meanwhile are not
counted, so the one who knows the password gets in once the wait is over. A successful sign-in
forgets the login's failures; the Owner can forget them too (unblock, in the staff admin).
"""
import math
from datetime import timedelta

from sqlalchemy import delete, select

from app.domain.words import plural
from app.models import LoginFailure

LIMIT = 5
WINDOW = timedelta(minutes=15)
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
MEMORY = timedelta(days=1)  # failures older than this no longer lengthen the wait


def _key(username):
    return (username or "").strip().lower()[:256]


def _wait_after(failures):
    """How long the failures (moments, oldest first) block from now on: until the last one plus the
    wait its count earns, if some 5 of them fell within 15 minutes; else None."""
    for first in range(len(failures) - LIMIT + 1):
        if failures[first + LIMIT - 1] - failures[first] <= WINDOW:
            extra = len(failures) - (first + LIMIT)
            return failures[-1] + min(FIRST_WAIT * 2 ** extra, LONGEST_WAIT)
    return None


def blocked_until(session, username, address, now):
    """The moment the login or the address may try again, or None when it may try now."""
    ends = []
    for column, value in ((LoginFailure.username, _key(username)), (LoginFailure.address, address or "")):
        failures = session.scalars(
            select(LoginFailure.failed_at).where(column == value, LoginFailure.failed_at > now - MEMORY)
            .order_by(LoginFailure.failed_at)
        ).all()
        end = _wait_after([_aware(moment, now) for moment in failures])
        if end is not None and end > now:
            ends.append(end)
    return max(ends, default=None)


def _aware(moment, now):
    return moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment  # SQLite drops the zone


def record_failure(session, username, address, now):
    session.add(LoginFailure(username=_key(username), address=(address or "")[:64], failed_at=now))
    session.flush()


def forget(session, username):
    """Clear the login's failures (a successful sign-in, or the Owner unblocking the user)."""
    session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username)))


def refusal(until, now):
    """The Russian message for an attempt refused until `until`."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} "
            f"{plural(minutes, 'минуту', 'минуты', 'минут')}")
