"""Contract rules used everywhere: the monthly rent in force, status changes and their history."""
from datetime import timedelta

from sqlalchemy import inspect

from app.domain.enums import ACTIVE_CONTRACT, ContractStatus
from app.models import ContractStatusChange
from app.vocabulary.amounts import monthly_rent, rooms_monthly_rent  # noqa: F401  (the rent rules live below the models)


def agreements_in_order(contract):
    """The agreements that change the terms, by start: the signed ones (a drafted indexation
    waits for its signature; an agreement not yet saved counts as signed, the column's default)."""
    return sorted((a for a in contract.agreements if a.signed is not False), key=lambda a: (a.start_date, a.id or 0))


def rent_changes(contract):
    """[(from_date, monthly_rent)]: the rent in force from each date on. An agreement sets a
    new rent, or new rooms whose rent (area × rate ÷ 12) then applies."""
    changes = [(contract.start_date, monthly_rent(contract))]
    for agreement in agreements_in_order(contract):
        if agreement.new_monthly_rent is not None:
            changes.append((agreement.start_date, agreement.new_monthly_rent))
        elif agreement.rooms:
            changes.append((agreement.start_date, rooms_monthly_rent((r.area, r.rate) for r in agreement.rooms)))
    return changes


def last_day_before(agreement):
    """The last day of a contract that `agreement` terminates early: the day before it starts."""
    return agreement.start_date - timedelta(days=1)


def end_in_force(contract):
    """The last day of the term after the agreements (None: open-ended). Early termination
    ends the contract the day before the agreement's start date."""
    end = contract.end_date
    for agreement in agreements_in_order(contract):
        if agreement.new_end_date is not None:
            end = agreement.new_end_date
        if agreement.terminates:
            end = last_day_before(agreement)
    return end


def keep_end_in_force(contract):
    """Store the end in force on the contract (`Contract.end_in_force`, which the SQL rules read)."""
    contract.end_in_force = end_in_force(contract)


def rooms_in_force(contract, on):
    """The room rows (area, rate) the contract lets on the day `on`: its own, or those of the
    latest agreement with rooms that has started by then."""
    rooms = contract.rooms
    for agreement in agreements_in_order(contract):
        if agreement.rooms and agreement.start_date <= on:
            rooms = agreement.rooms
    return list(rooms)


def room_ids_in_force(contract, on):
    """Ids of the rooms let by the contract on the day `on` (`rooms_in_force`)."""
    return {row.room_id for row in rooms_in_force(contract, on)}


def rent_on(contract, on):
    """The monthly rent in force on the day `on` (`rent_changes`)."""
    changes = rent_changes(contract)
    return next((rent for start, rent in reversed(changes) if start <= on), changes[0][1])


def in_force_on(contract, on):
    """Active, started, and not ended by its term or its agreements on the day `on`."""
    end = end_in_force(contract)
    return is_active(contract.status) and contract.start_date <= on and (end is None or end >= on)


def is_active(status):
    return status in ACTIVE_CONTRACT


def registration_required(start, end):
    """A contract longer than 364 days, both ends counted, must be registered."""
    return end is not None and (end - start).days + 1 > 364


def record_status_change(session, contract, user_id=None, source="ui"):
    """Add a history row when the contract's status is new or changed in this unit of work."""
    history = inspect(contract).attrs.status.history
    if contract.id is not None and not history.has_changes():
        return None
    old = history.deleted[0] if history.deleted else None
    if old == contract.status:
        return None
    change = ContractStatusChange(
        contract=contract, old_status=old, new_status=contract.status or ContractStatus.DRAFT.value,
        changed_by_id=user_id, source=source,
    )
    session.add(change)
    return change


# Where a contract may go from each status when something outside the admin moves it (amoCRM):
# forward through the sales stages, back between the stages before signing, cancelled before it
# is signed; a signed contract never goes back to the sales stages, and a cancelled or terminated
# one stays so (the admin can still correct a status by hand).
_BEFORE_SIGNING = (ContractStatus.DRAFT.value, ContractStatus.BOOKED.value, ContractStatus.ON_SIGNING.value)
_NEXT = {
    **{status: set(_BEFORE_SIGNING) | {ContractStatus.SIGNED.value, ContractStatus.REGISTERED.value,
                                       ContractStatus.CANCELLED.value} for status in _BEFORE_SIGNING},
    ContractStatus.SIGNED.value: {ContractStatus.REGISTERED.value, ContractStatus.TERMINATED.value},
    ContractStatus.REGISTERED.value: {ContractStatus.TERMINATED.value},
    ContractStatus.CANCELLED.value: set(),
    ContractStatus.TERMINATED.value: set(),
}


def transition_refusal(old, new):
    """Why a contract in status `old` may not be moved to `new` (a message), or None when it may."""
    if old == new or new in _NEXT.get(old or ContractStatus.DRAFT.value, set()):
        return None
    return "Статус «%s» нельзя сменить на «%s»" % (ContractStatus.label_of(old), ContractStatus.label_of(new))
