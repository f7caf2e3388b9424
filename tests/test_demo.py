"""`demo load` gives a realistic landlord once; `demo generate` scales."""
import json

from sqlalchemy import func, select

from app.domain.enums import ContractStatus, Direction, RoomKind
from app.domain.validation import inn_checksum_ok
from app.models import Agreement, Building, Contract, Counterparty, DocumentCounter, Invoice, Payment, Room, Section
from app.timeutil import today


def _count(session, *where, model):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_load_is_realistic_and_idempotent(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["loaded"] is True
    second = runner.invoke(args=["demo", "load"])
    assert json.loads(second.output)["loaded"] is False
    session.expire_all()

    assert _count(session, Counterparty.is_executor.is_(True), model=Counterparty) == 2
    customers = session.scalars(select(Counterparty).where(Counterparty.is_customer.is_(True))).all()
    assert len(customers) == 30 and all(inn_checksum_ok(c.inn) for c in customers)
    assert _count(session, model=Building) == 3 and _count(session, model=Section) >= 2
    assert _count(session, Room.kind == RoomKind.SERVICE.value, model=Room) > 0
    contracts = session.scalars(select(Contract)).all()
    assert len(contracts) == 40
    assert {c.status for c in contracts} == set(ContractStatus.values())
    assert _count(session, model=Agreement) >= 3

    invoices = session.scalars(select(Invoice).where(Invoice.status == "issued")).all()
    months = {(i.period_start.year, i.period_start.month) for i in invoices}
    assert len(months) >= 12, "about a year of invoices"
    overdue = [i for i in invoices if i.due_date < today() and i.paid_amount < i.amount]
    assert overdue, "some invoices are overdue"
    unallocated = _count(session, Payment.direction == Direction.INCOMING.value, Payment.allocated_amount < Payment.amount,
                         model=Payment)
    assert unallocated >= 2
    assert session.scalar(select(Payment).where(Payment.payer_is_bank.is_(True))) is not None


def test_demo_load_if_empty_leaves_real_data_alone(app, session):
    from tests import factories

    factories.customer(session)
    session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert json.loads(result.output) == {"loaded": False, "reason": "the database already holds data"}
    assert _count(session, model=Contract) == 0


def test_demo_generate_makes_consistent_data(app, session):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--contracts", "40"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["contracts"] == 40 and summary["documents"] > 40
    assert _count(session, model=Contract) == 40
    assert _count(session, model=Invoice) == summary["invoices"]
    paid = session.scalar(select(func.sum(Payment.allocated_amount)))
    assert paid == session.scalar(select(func.sum(Invoice.paid_amount)))
    counters = session.scalars(select(DocumentCounter)).all()
    for counter in counters:
        issued = _count(session, Invoice.executor_id == counter.executor_id, Invoice.number.is_not(None), model=Invoice)
        if counter.kind == "invoice":
            assert counter.last_number == issued


def test_demo_generate_refuses_bad_input(app):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--contracts", "0"])
    assert result.exit_code != 0


def test_demo_load_then_generate_twice_with_the_same_seed_repeats_no_requisites(app, session):
    runner = app.test_cli_runner()
    for args in (["demo", "load"], ["demo", "generate", "--contracts", "20"], ["demo", "generate", "--contracts", "20"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output  # the unique INN+KPP and contract number indexes would refuse repeats
    pairs = session.execute(select(Counterparty.inn, Counterparty.kpp)).all()
    assert len(pairs) == len(set(pairs)) == 2 + 30 + 2 * (2 + 10)
    numbers = session.execute(select(Contract.executor_id, Contract.number)).all()
    assert len(numbers) == len(set(numbers)) == 40 + 2 * 20
