"""Several processes at once on PostgreSQL: numbers are never issued twice nor skipped, and
concurrent auto-issue runs issue each document once."""
import multiprocessing
import os
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.domain import numbering, schedule
from app.models import Act, Invoice
from tests import factories

PROCESSES = 4

pytestmark = pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="needs PostgreSQL (ARENDA_TEST_DATABASE_URL)")


def _take_numbers(url, executor_id, contract_id, count, barrier):
    """Child process: `count` transactions, each numbering an invoice; every third rolls back."""
    engine = create_engine(url, poolclass=NullPool)
    barrier.wait()
    with Session(engine) as session:
        for n in range(count):
            number = numbering.next_number(session, executor_id, numbering.INVOICE)
            session.add(Invoice(contract_id=contract_id, executor_id=executor_id, customer_id=executor_id, number=number,
                                status="issued", period_start=date(2020, 1, 1), period_end=date(2020, 1, 31), amount=Decimal("1")))
            session.flush()
            if n % 3 == 2:
                session.rollback()
            else:
                session.commit()
    engine.dispose()


def _issue_all(url, contract_ids, day, barrier, results):
    """Child process: the nightly issue over the same contracts as its siblings, in small batches."""
    engine = create_engine(url, poolclass=NullPool)
    issued = schedule.Issued()
    barrier.wait()
    with Session(engine) as session:
        for n in range(0, len(contract_ids), 5):
            issued.add(schedule.issue_due(session, contract_ids[n:n + 5], day))
            session.commit()
    results.put((issued.invoice_ids, issued.act_ids, issued.vat_invoice_ids))
    engine.dispose()


def _run(target, args_for):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [context.Process(target=target, args=args_for(n, barrier, results)) for n in range(PROCESSES)]
    for process in processes:
        process.start()
    collected = [results.get(timeout=120) for _ in processes] if target is _issue_all else []
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    return collected


def _sequence(numbers, prefix):
    return sorted(int(number.removeprefix(prefix)) for number in numbers)


def test_numbers_from_concurrent_processes_have_no_duplicate_and_no_gap(session, database_url):
    contract = factories.contract(session)
    executor_id, contract_id = contract.executor_id, contract.id
    session.commit()
    _run(_take_numbers, lambda n, barrier, results: (database_url, executor_id, contract_id, 12, barrier))
    numbers = session.scalars(select(Invoice.number).where(Invoice.executor_id == executor_id)).all()
    assert len(numbers) == PROCESSES * 8  # two of every three transactions committed
    assert _sequence(numbers, "А-") == list(range(1, len(numbers) + 1))


def test_concurrent_auto_issue_issues_each_document_once_with_contiguous_numbers(session, database_url):
    landlord = factories.executor(session)
    contracts = [
        factories.contract(session, executor=landlord, monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1),
                           start_date=date(2020, 1, 1), end_date=date(2020, 6, 30))
        for _ in range(30)
    ]
    for contract in contracts:
        schedule.rebuild(session, contract, date(2020, 1, 1))
    ids = [contract.id for contract in contracts]
    session.commit()
    collected = _run(_issue_all, lambda n, barrier, results: (database_url, ids, date(2020, 3, 31), barrier, results))
    invoice_ids = [i for invoices, _, _ in collected for i in invoices]
    act_ids = [i for _, acts, _ in collected for i in acts]
    assert len(invoice_ids) == len(set(invoice_ids)) == 30 * 4  # invoices to April, each once
    assert len(act_ids) == len(set(act_ids)) == 30 * 3
    for model, expected in ((Invoice, 120), (Act, 90)):
        numbers = session.scalars(select(model.number).where(model.executor_id == landlord.id, model.number.is_not(None))).all()
        assert _sequence(numbers, "А-") == list(range(1, expected + 1))
