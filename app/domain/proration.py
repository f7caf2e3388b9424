"""Proration by days: what part of a billing period's monthly amount some days are worth,
and which days of a period the issued documents leave uncovered.

A part of a period is worth `monthly amount × days ÷ days in the period`, rounded to
kopecks; a whole period is worth exactly the monthly amount.
"""
from calendar import monthrange
from datetime import timedelta
from decimal import Decimal

from app.domain.vat import kopecks

ONE_DAY = timedelta(days=1)


def days(start, end):
    """Days from `start` to `end`, both counted."""
    return (end - start).days + 1


def add_months(day, months):
    """The same day `months` later (earlier when negative), or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))


def prorate(monthly, part_days, period_days):
    if part_days == period_days:
        return kopecks(monthly)
    return kopecks(Decimal(monthly) * part_days / period_days)


def uncovered(start, end, covered):
    """The ranges of days in start..end that no (first, last) range of `covered` includes, in order."""
    gaps, cursor = [], start
    for first, last in sorted(covered):
        if last < cursor:
            continue
        if first > end:
            break
        if first > cursor:
            gaps.append((cursor, first - ONE_DAY))
        cursor = last + ONE_DAY
        if cursor > end:
            return gaps
    gaps.append((cursor, end))
    return gaps


def split(start, end, changes):
    """start..end cut where a value changes: [(first, last, value)] from `changes`, a list of
    (from_date, value) in date order (the first one in force from the beginning). Neighbouring
    pieces with the same value stay one piece."""
    pieces = []
    for n, (since, value) in enumerate(changes):
        until = changes[n + 1][0] - ONE_DAY if n + 1 < len(changes) else end
        first, last = max(start, since), min(end, until)
        if first > last:
            continue
        if pieces and pieces[-1][2] == value and pieces[-1][1] + ONE_DAY == first:
            pieces[-1] = (pieces[-1][0], last, value)
        else:
            pieces.append((first, last, value))
    return pieces
