"""The nightly job: through RQ (inline and, with ARENDA_TEST_REDIS_URL, a real worker), the
CLI, and the embedded thread; idempotent, catching up, and isolating a failing contract."""
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from fakeredis import FakeStrictRedis
from rq import Queue
from sqlalchemy import event, func, select, text

from app.domain import balances, billing, issuing, schedule
from app.domain.enums import InvoiceStatus
from app.jobs import embedded, nightly
from app.jobs.nightly import run_nightly
from app.models import Invoice
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def billed_contract(session, number=None, executor=None, **fields):
    values = dict(monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1), start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    values.update(fields)
    if number:
        values["number"] = number
    if executor is not None:
        values["executor"] = executor
    contract = factories.contract(session, **values)
    schedule.rebuild(session, contract, date(2020, 1, 1))
    return contract


def issued_numbers(session, model):
    return sorted(session.scalars(select(model.number).where(model.number.is_not(None))))


def test_job_through_an_rq_queue_issues_what_is_due_once(session):
    landlord = factories.executor(session)
    ids = {billed_contract(session, executor=landlord).id, billed_contract(session, executor=landlord).id}
    session.commit()
    queue = Queue(is_async=False, connection=FakeStrictRedis())
    summary = queue.enqueue(run_nightly, "2020-01-31").return_value()
    assert summary["date"] == "2020-01-31"
    issued = summary["issued"]
    assert (issued["invoices"], issued["acts"], issued["vat_invoices"], issued["failed"]) == (4, 2, 2, [])
    assert sorted(issued["invoice_ids"]) == sorted(session.scalars(select(Invoice.id).where(Invoice.status == "issued")))
    again = queue.enqueue(run_nightly, "2020-01-31").return_value()["issued"]
    assert (again["invoices"], again["acts"]) == (0, 0)
    assert issued_numbers(session, Invoice) == ["А-1", "А-2", "А-3", "А-4"]
    assert ids == set(session.scalars(select(Invoice.contract_id).where(Invoice.status == "issued")))


def test_a_failing_contract_is_reported_and_the_others_are_issued(session, monkeypatch):
    bad_executor = factories.executor(session, doc_prefix="Х-")
    landlord = factories.executor(session)
    good = billed_contract(session, number="GOOD", executor=landlord).id
    broken = billed_contract(session, number="BROKEN", executor=landlord).id
    unlucky = billed_contract(session, number="UNLUCKY", executor=bad_executor).id
    bad_executor_id = bad_executor.id
    session.commit()
    real_lines, real_take = billing.lines_for, issuing.numbering.take

    def lines_for(contract, *args, **kwargs):
        if contract.number == "BROKEN":
            raise ValueError("в условиях договора ошибка")
        return real_lines(contract, *args, **kwargs)

    def take(session_, executor_id, kind, count):
        if executor_id == bad_executor_id:
            raise RuntimeError("счётчик недоступен")
        return real_take(session_, executor_id, kind, count)

    monkeypatch.setattr(billing, "lines_for", lines_for)
    monkeypatch.setattr(issuing.numbering, "take", take)
    issued = run_nightly("2020-01-31")["issued"]
    assert {f["contract_id"]: f["error"] for f in issued["failed"]} == {
        broken: "в условиях договора ошибка", unlucky: "счётчик недоступен",
    }
    assert set(session.scalars(select(Invoice.contract_id).where(Invoice.status == "issued"))) == {good}
    assert issued_numbers(session, Invoice) == ["А-1", "А-2"]


def test_a_missed_night_is_caught_up_and_rolling_schedules_move_on(session):
    contract_id = billed_contract(session, end_date=None).id
    session.commit()
    summary = run_nightly("2020-03-01")  # nothing ran since New Year
    assert (summary["issued"]["invoices"], summary["issued"]["acts"]) == (3, 2)
    assert summary["schedules"] == {"rebuilt": 1}
    last_planned = session.scalar(select(func.max(Invoice.period_start)).where(Invoice.contract_id == contract_id))
    assert last_planned == date(2021, 3, 1)


def test_cli_schedule_run_prints_one_json_summary(app, session):
    billed_contract(session)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["schedule", "run", "--on", "2020-01-31"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["date"] == "2020-01-31" and summary["issued"]["invoices"] == 2
    bad = runner.invoke(args=["schedule", "run", "--on", "31.01.2020"])
    assert bad.exit_code == 1 and "ГГГГ-ММ-ДД" in bad.stderr


def test_embedded_thread_runs_at_start_up_and_at_midnight_utc(app, session, today):
    assert embedded.next_midnight(datetime(2026, 3, 14, 23, 59, tzinfo=timezone.utc)) == datetime(2026, 3, 15, tzinfo=timezone.utc)
    assert embedded.next_midnight(datetime(2026, 3, 15, 0, 0, tzinfo=timezone.utc)) == datetime(2026, 3, 16, tzinfo=timezone.utc)
    billed_contract(session, start_date=today.replace(day=1), end_date=None, date=today.replace(day=1))
    session.commit()
    stop = threading.Event()
    thread = embedded.start(app, stop)
    try:
        issued = 0
        for _ in range(200):
            session.rollback()
            issued = session.scalar(select(func.count(Invoice.id)).where(Invoice.status == InvoiceStatus.ISSUED.value))
            if issued:
                break
            time.sleep(0.1)
        assert issued >= 1
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_embedded_thread_fires_again_when_the_clock_passes_midnight(app, monkeypatch):
    runs = []
    monkeypatch.setattr(embedded, "run_nightly", lambda: runs.append(1) or {"date": "—"})
    ticks = itertools.count()
    start = datetime(2026, 3, 14, 23, 59, 59, tzinfo=timezone.utc)
    stop = threading.Event()
    thread = embedded.start(app, stop, clock=lambda: start + timedelta(seconds=0.25 * next(ticks)))
    try:
        for _ in range(100):
            if len(runs) >= 2:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert len(runs) == 2  # at start-up (23:59:59) and at 00:00 UTC, then not before the next midnight


def test_cron_registers_the_nightly_job_at_midnight_utc(monkeypatch):
    import importlib

    from rq import cron

    import app.jobs.cron

    # registrations go to rq's global list on import: a fresh list and the module imported again,
    # whatever another test (`rq cron`'s loading consumes the list) left in it
    monkeypatch.setattr(cron, "_job_data_registry", [])
    importlib.reload(app.jobs.cron)
    scheduler = cron.create_cron(FakeStrictRedis())
    [job] = [job for job in scheduler.get_jobs() if job.func_name == "app.jobs.nightly.run_nightly"]
    assert job.cron == "0 0 * * *"
    assert job.next_enqueue_time.astimezone(timezone.utc).time().isoformat() == "00:00:00"


@pytest.mark.processes
@pytest.mark.skipif(not os.environ.get("ARENDA_TEST_REDIS_URL"), reason="ARENDA_TEST_REDIS_URL is not set")
def test_real_redis_worker_runs_the_job_in_its_own_app(session, database_url, tmp_path):
    from redis import Redis

    billed_contract(session)
    session.commit()
    connection = Redis.from_url(os.environ["ARENDA_TEST_REDIS_URL"])
    queue = Queue(f"arenda-test-{uuid.uuid4().hex[:8]}", connection=connection)
    job = queue.enqueue("app.jobs.nightly.run_nightly", "2020-01-31")
    env = dict(os.environ, DATABASE_URL=database_url, ARENDA_INSTANCE_DIR=str(tmp_path), TZ="UTC")
    env.pop("ARENDA_CONFIG", None)
    worker = subprocess.run(
        [sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", os.environ["ARENDA_TEST_REDIS_URL"], queue.name],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    job.refresh()
    assert job.is_finished, worker.stderr
    assert job.return_value()["issued"]["invoices"] == 2
    session.rollback()
    assert issued_numbers(session, Invoice) == ["А-1", "А-2"]
    queue.delete(delete_jobs=True)


def test_steps_are_named_and_read_earlier_results(session):
    seen = {}
    original = list(nightly.STEPS)
    nightly.STEPS.append(("spy", lambda s, day, summary: seen.setdefault("ids", summary["issued"]["invoice_ids"]) and {"ok": True}))
    try:
        billed_contract(session)
        session.commit()
        summary = run_nightly("2020-01-31")
    finally:
        nightly.STEPS[:] = original
    assert summary["spy"] == {"ok": True} and len(seen["ids"]) == 2


def test_the_night_gives_sqlite_its_planner_statistics(session):
    """SQLite keeps no statistics until told, and without them reads a contract card's debt through
    the status index — every issued invoice of every contract; after the nightly job it reads the
    contract's own."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its statistics")
    contract_id = [billed_contract(session, end_date=None) for _ in range(3)][0].id
    session.commit()
    if session.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        session.execute(text("DELETE FROM sqlite_stat1"))
        session.commit()
    session.close()  # a connection reads the statistics as it opens

    def plan():
        """How SQLite reads the card's debt of the contract (the statement balances.debt sends)."""
        sent = []
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", record := lambda *args: sent.append(args[2:4]))
        try:
            balances.debt(session, date(2020, 3, 1), contract_id=contract_id)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        statement, parameters = sent[-1]
        return " ".join(row[-1] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))

    assert "ix_invoice_status" in plan()
    run_nightly("2020-03-01")
    session.get_bind().dispose()
    assert "ix_invoice_contract_id" in plan() or "ix_invoice_unpaid" in plan()
