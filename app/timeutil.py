"""The one place that reads the clock. Domain rules take "today" as a parameter."""
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today in UTC: the schedule and all date rules run on UTC days."""
    return utcnow().date()
