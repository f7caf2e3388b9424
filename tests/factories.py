"""Builders of valid objects with overridable fields; each takes the session and flushes."""
import itertools
from datetime import date, timedelta
from decimal import Decimal

from app.domain.enums import ActStatus, ContractStatus, Direction, InvoiceStatus, PartyKind, PaymentSource, RoomKind
from app.domain.validation import with_account_key, with_inn_checksum
from app.models import Act, BankAccount, Building, Contract, ContractRoom, Counterparty, Floor, Invoice, Payment, Room

_seq = itertools.count(1)


def staff(sm, username, role, password):
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username, username.capitalize(), "Тестов", f"{username}@test.example", [sm.find_role(role)], password)
    return user


def org_inn():
    return with_inn_checksum(f"77{next(_seq):07d}")


def party(session, **fields):
    n = next(_seq)
    values = dict(kind=PartyKind.LEGAL.value, name=f"ООО «Тест {n}»", inn=org_inn(), kpp="770101001", is_customer=True)
    values.update(fields)
    counterparty = Counterparty(**values)
    session.add(counterparty)
    session.flush()
    return counterparty


def executor(session, **fields):
    values = dict(is_executor=True, is_customer=False, doc_prefix="А-", reply_to_email="landlord@test.example")
    values.update(fields)
    counterparty = party(session, **values)
    counterparty.bank_accounts.append(
        BankAccount(account=with_account_key(f"40702810{next(_seq):012d}", "044525225"), bik="044525225", bank_name="ПАО Сбербанк")
    )
    session.flush()
    return counterparty


def customer(session, **fields):
    return party(session, **fields)


def room(session, floor=None, **fields):
    if floor is None:
        building = Building(name=f"Здание {next(_seq)}")
        floor = Floor(building=building, number=1)
        session.add(floor)
    values = dict(floor=floor, number=str(next(_seq)), kind=RoomKind.OFFICE.value, area=Decimal("50.00"), rent_rate=Decimal("24000.00"))
    values.update(fields)
    created = Room(**values)
    session.add(created)
    session.flush()
    return created


def contract(session, rooms=(), **fields):
    values = dict(
        number=f"Д-{next(_seq)}", date=date(2026, 1, 1), status=ContractStatus.SIGNED.value,
        start_date=date(2026, 1, 1), end_date=date(2026, 11, 30),
    )
    values.update(fields)
    if "executor" not in values and "executor_id" not in values:
        values["executor"] = executor(session)
    if "customer" not in values and "customer_id" not in values:
        values["customer"] = customer(session)
    created = Contract(**values)
    for r in rooms:
        created.rooms.append(ContractRoom(room=r, area=r.area, rate=r.rent_rate))
    session.add(created)
    session.flush()
    return created


def billed_contract(session, today, **fields):
    """A contract of 30 000,00 a month without VAT, from the 1st of last month for about half a
    year, its schedule built as of `today` (last month's documents due, the next ones planned)."""
    from app.domain import schedule

    month = today.replace(day=1)
    start = (month - timedelta(days=1)).replace(day=1)
    contract_ = contract(
        session, monthly_rent=Decimal("30000.00"), vat_mode="none", vat_rate=Decimal("0"), date=start - timedelta(days=9),
        start_date=start, end_date=(month + timedelta(days=155)).replace(day=1) - timedelta(days=1), **fields,
    )
    schedule.rebuild(session, contract_, today)
    return contract_


def _document(session, model, contract_, defaults, fields):
    """An invoice or act of February 2026 on the contract (a new one when not given)."""
    contract_ = contract_ or contract(session)
    values = dict(
        contract=contract_, executor_id=contract_.executor_id, customer_id=contract_.customer_id,
        number=f"А-{next(_seq)}", period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), amount=Decimal("1000.00"),
    )
    values.update(defaults)
    values.update(fields)
    created = model(**values)
    session.add(created)
    session.flush()
    return created


def invoice(session, contract_=None, **fields):
    defaults = dict(date=date(2026, 2, 1), due_date=date(2026, 2, 5), status=InvoiceStatus.ISSUED.value)
    return _document(session, Invoice, contract_, defaults, fields)


def act(session, contract_=None, **fields):
    defaults = dict(date=date(2026, 2, 28), planned_date=date(2026, 2, 28), status=ActStatus.SIGNED.value)
    return _document(session, Act, contract_, defaults, fields)


def payment(session, **fields):
    values = dict(direction=Direction.INCOMING.value, date=date(2026, 2, 3), number=str(next(_seq)), amount=Decimal("1000.00"),
                  source=PaymentSource.MANUAL.value)
    values.update(fields)
    created = Payment(**values)
    session.add(created)
    session.flush()
    return created


def executor_with_accounts(session, *accounts, **fields):
    """An executor whose bank accounts are exactly `accounts` (those of a statement in tests/fixtures)."""
    created = executor(session, **fields)
    created.bank_accounts[:] = [BankAccount(account=number, bik="044525225", bank_name="ПАО Сбербанк") for number in accounts]
    session.flush()
    return created
