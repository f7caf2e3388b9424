"""Yearly rent indexation (SPEC §1.9, issue 16 item 4).

A contract indexed `fixed` (by `indexation_percent` a year) or by `cpi` (Rosstat's consumer
price index of the previous year, entered in settings as `CpiIndex`) changes its rent from the
1st of `indexation_month`. The nightly job drafts that change `days_ahead` days before it as a
supplementary agreement, unsigned (`Agreement.signed` false, `indexation` true): the schedule
uses the new rent only once a user signs it (app.domain.contracts reads signed agreements only).

Never more than once a year (ст. 614 п. 3 ГК РФ): the change day is at least twelve months
after the contract's start and after the start of any agreement changing the rent, a drafted
one included; so a year's draft is made once, signed or not (an unwanted one is left unsigned:
deleted, it is drafted again), and never dated back.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain import settings
from app.domain.contracts import end_in_force, rent_changes
from app.domain.enums import ACTIVE_CONTRACT, IndexationMode
from app.domain.proration import add_months
from app.models import Agreement, Contract, CpiIndex
from app.vocabulary.amounts import kopecks

NONE, FIXED, CPI = IndexationMode.NONE.value, IndexationMode.FIXED.value, IndexationMode.CPI.value
DAYS_AHEAD_KEY, DAYS_AHEAD = "indexation_days_ahead", 30


def days_ahead(session):
    """How many days before the change the agreement is drafted (setting `indexation_days_ahead`)."""
    value = settings.get(session, DAYS_AHEAD_KEY)
    return int(value) if value and value.isdigit() else DAYS_AHEAD


def _changes_rent(agreement):
    return agreement.new_monthly_rent is not None or bool(agreement.rooms)


def next_change(contract, today):
    """The next day (on or after `today`) the contract's rent may be indexed, or None: the 1st of
    its indexation month, a year after its start and after the last agreement changing the rent."""
    if (contract.indexation_mode or NONE) == NONE or not contract.indexation_month:
        return None
    earliest = max([add_months(contract.start_date, 12), today]
                   + [add_months(a.start_date, 12) for a in contract.agreements if _changes_rent(a)])
    day = date(earliest.year, contract.indexation_month, 1)
    if day < earliest:
        day = date(earliest.year + 1, contract.indexation_month, 1)
    end = end_in_force(contract)
    return day if end is None or day <= end else None


def _rent_before(contract, day):
    return [rent for start, rent in rent_changes(contract) if start < day][-1]


def percent_for(session, contract, day):
    """The percent the rent rises by from `day`: the contract's, or the CPI of the year before
    (None until the Owner enters it)."""
    if contract.indexation_mode == FIXED:
        return contract.indexation_percent
    found = session.get(CpiIndex, day.year - 1)
    return found.percent if found is not None else None


@dataclass
class Indexation:
    """What an indexation agreement changes: the rent before it, the percent, the new rent."""

    agreement: Agreement
    old_rent: Decimal
    percent: Optional[Decimal]

    @property
    def new_rent(self):
        return self.agreement.new_monthly_rent

    @property
    def basis(self):
        contract = self.agreement.contract
        if contract.indexation_mode == CPI:
            return f"индекс потребительских цен за {self.agreement.start_date.year - 1} год (Росстат)"
        return "фиксированный процент индексации в год по договору"


def described(session, agreement):
    """An indexation agreement as its letter to the tenant states it."""
    contract = agreement.contract
    return Indexation(agreement, _rent_before(contract, agreement.start_date), percent_for(session, contract, agreement.start_date))


def draft(session, contract, today, ahead=None):
    """The agreement indexing the contract's rent at its next change, if it is due to be drafted
    on `today` (at most `ahead` days before); None when it is not due or the CPI is not entered yet."""
    day = next_change(contract, today)
    ahead = days_ahead(session) if ahead is None else ahead
    if day is None or today < day - timedelta(days=ahead):
        return None
    percent = percent_for(session, contract, day)
    if percent is None or percent <= 0:
        return None
    old = _rent_before(contract, day)
    new = kopecks(Decimal(old) * (1 + Decimal(percent) / 100))
    agreement = Agreement(
        contract=contract, number=f"И-{day.year}", date=today, start_date=day, notify_days_before=ahead,
        new_monthly_rent=new, signed=False, indexation=True,
        comment=f"Индексация арендной платы на {Decimal(percent).normalize():f} %: {old} → {new} в месяц",
    )
    session.add(agreement)
    session.flush()
    return agreement


def due_contracts(session):
    return session.scalars(
        select(Contract).where(Contract.status.in_(ACTIVE_CONTRACT), Contract.indexation_mode != NONE)
        .options(selectinload(Contract.agreements).selectinload(Agreement.rooms), selectinload(Contract.rooms))
        .order_by(Contract.id)
    ).all()
