"""When reminders fall due (SPEC §1.8): an agreement's start, a contract's end, the tariff's end.

Each event has a day (the agreement's start day, the contract's last day after its agreements,
the tariff's paid-until day) and reminder offsets in days before it: (N, 0) for agreements and
contracts, 14/7/0 or 28/21/14/7/0 for a monthly or yearly tariff. On a given day the reminder
due is the latest one whose day has come, provided the event has not passed. So a run after
days of downtime sends the one reminder it missed, dated by its own trigger day, and never one
for an event that is over. The trigger day is part of the outbox's exactly-once key: the same
day run twice, or the next day, finds the reminder already written.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.domain.contracts import end_in_force
from app.domain.enums import ACTIVE_CONTRACT, TariffPeriod
from app.models import Account, Agreement, Contract

BATCH = 500  # contracts loaded at once when looking for the ones ending (every active one is a candidate)
TARIFF_OFFSETS = {TariffPeriod.MONTHLY.value: (14, 7, 0), TariffPeriod.YEARLY.value: (28, 21, 14, 7, 0)}


@dataclass(frozen=True)
class Reminder:
    subject: object  # the Agreement, Contract or Account reminded of
    event_day: date
    trigger: date  # the reminder's own day (the exactly-once key), on or before the run's day


def trigger_day(event_day, offsets, day):
    """The latest reminder day on or before `day`, or None: none has come yet, or the event is past."""
    if event_day is None or event_day < day:
        return None
    return max((event_day - timedelta(days=n) for n in offsets if event_day - timedelta(days=n) <= day), default=None)


def _due(candidates, day):
    reminders = []
    for subject, event_day, offsets in candidates:
        trigger = trigger_day(event_day, offsets, day)
        if trigger is not None:
            reminders.append(Reminder(subject, event_day, trigger))
    return reminders


def agreements_starting(session, day):
    """Agreements of active contracts whose start (N days before, and the day itself) is due."""
    agreements = session.scalars(
        select(Agreement).join(Agreement.contract)
        .where(Contract.status.in_(ACTIVE_CONTRACT), Agreement.start_date >= day, Agreement.signed.is_(True))
        .options(selectinload(Agreement.contract).selectinload(Contract.agreements))
        .order_by(Agreement.start_date, Agreement.id)
    )
    return _due(((a, a.start_date, (a.notify_days_before, 0)) for a in agreements), day)


def contracts_ending(session, day):
    """Active contracts whose last day in force (N days before, and the day itself) is due."""
    changes_end = Contract.agreements.any(or_(Agreement.new_end_date.is_not(None), Agreement.terminates.is_(True)))
    ids = session.scalars(
        select(Contract.id).where(Contract.status.in_(ACTIVE_CONTRACT), or_(Contract.end_date >= day, changes_end))
        .order_by(Contract.id)
    ).all()
    reminders = []
    for n in range(0, len(ids), BATCH):  # loaded a batch at a time: only the due ones are kept
        contracts = session.scalars(
            select(Contract).where(Contract.id.in_(ids[n:n + BATCH])).options(selectinload(Contract.agreements))
            .order_by(Contract.id)
        )
        reminders += _due(((c, end_in_force(c), (c.notify_days_before_end, 0)) for c in contracts), day)
    return reminders


def tariff_ending(session, day):
    """The account's paid period ending: 14, 7, 0 days before (monthly) or 28 … 0 (yearly)."""
    accounts = session.scalars(select(Account).where(Account.paid_until >= day).order_by(Account.id))
    return _due(((a, a.paid_until, TARIFF_OFFSETS[a.billing_period]) for a in accounts), day)
