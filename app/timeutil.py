"""The one place that reads the clock. Domain rules take "today" as a parameter.

The clock can be pinned to another day (`pin`): the test suite does it for a whole run, so that
its "today" is a fixed date. A pinned clock still runs — it starts at noon UTC of the pinned day
and advances with the real one, so leases and retry delays behave as in production — and it
is shared with the processes the run starts (an RQ worker, a second issuer) through the
`ARENDA_CLOCK_OFFSET` environment variable that `pin` sets; nothing else sets it.
"""
import os
from datetime import date, datetime, time, timedelta, timezone

OFFSET_VARIABLE = "ARENDA_CLOCK_OFFSET"
_offset = timedelta(seconds=float(os.environ.get(OFFSET_VARIABLE) or 0))


def _real_utcnow() -> datetime:
    return datetime.now(timezone.utc)


def utcnow() -> datetime:
    return _real_utcnow() + _offset


def today() -> date:
    """Today in UTC: the schedule and all date rules run on UTC days."""
    return utcnow().date()


def pin(day: date | None) -> None:
    """Make `day` today, from its noon UTC on, the clock running (None: the real clock again),
    for this process and the processes it starts."""
    global _offset
    _offset = timedelta(0) if day is None else datetime.combine(day, time(12), timezone.utc) - _real_utcnow()
    os.environ[OFFSET_VARIABLE] = str(_offset.total_seconds())
