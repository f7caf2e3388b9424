"""Faults: the database connection dropped under the app (the request in flight answers 503 with
Retry-After, rolled back; pool pre-ping: the next one works), the database out of reach (503 in
the admin and the API), and the mail server down for a whole night (every email
goes out later, once), and a worker that is gone mid-job (its job resumed once by the next
worker that starts, never one a live worker runs). The whole runs (a worker killed in the
nightly job, Redis restarted under make prod) are `python -m benchmarks faults`."""
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import create_engine, event, select, text

from app.extensions import db
from app.jobs.nightly import run_nightly
from app.models import OutboxMessage
from app.notify import sender
from app.timeutil import utcnow
from tests.conftest import PASSWORD, login, make_app, role_username
from tests.processes import ROOT, RedisServer, needs_services, wait_for
from tests.test_notify_delivery import MANAGER, autosend_tenancy

NAME = "arenda-fault-test"


@pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="ARENDA_TEST_DATABASE_URL is not set")
def test_a_dropped_database_connection_answers_503_and_the_next_request_works(session, database_url):
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "connect_args": {"application_name": NAME}})
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")

    def drop_connections():
        with admin.connect() as conn:
            return conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :n"),
                                {"n": NAME}).scalar()

    @app.before_request
    def drop_mid_request():  # the request has its connection, then the server drops it
        if request.args.get("drop"):
            db.session.execute(text("SELECT 1"))
            assert drop_connections() >= 1

    @event.listens_for(db.session, "after_flush")
    def drop_mid_write(*_):  # the change is flushed, then the server drops the connection before the commit
        if request and request.args.get("drop_at_commit"):
            assert drop_connections() >= 1

    try:
        client = login(app.test_client(), role_username("Manager"))
        assert client.get("/contractview/list/").status_code == 200
        in_flight = client.get("/contractview/list/?drop=1")
        assert in_flight.status_code == 503 and in_flight.headers["Retry-After"] == "30"
        assert "Сервис временно недоступен" in in_flight.text and "Traceback" not in in_flight.text
        assert client.get("/contractview/list/").status_code == 200
        token = client.post("/api/v1/security/login", json={"username": role_username("Manager"), "password": PASSWORD,
                                                            "provider": "db"}).json["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        api = client.get("/api/v1/contract/?drop=1", headers=headers)
        assert api.status_code == 503 and api.headers["Retry-After"] == "30"
        assert api.json == {"message": "База данных не отвечает. Изменения не сохранены; повторите через минуту."}
        assert client.get("/api/v1/contract/", headers=headers).status_code == 200
        building = client.post("/api/v1/building/", json={"name": "Корпус Б"}, headers=headers).json["id"]
        written = client.put(f"/api/v1/building/{building}?drop_at_commit=1", json={"name": "Корпус В"}, headers=headers)
        assert written.status_code == 503 and written.headers["Retry-After"] == "30"
        assert client.get(f"/api/v1/building/{building}", headers=headers).json["result"]["name"] == "Корпус Б"
        # dropped between requests: pre-ping replaces the dead pooled connection, nothing fails
        assert drop_connections() >= 1
        assert client.get("/contractview/list/").status_code == 200
        assert client.get("/health").json == {"status": "ok", "database": "ok", "redis": "off"}
    finally:
        event.remove(db.session, "after_flush", drop_mid_write)  # db.session is shared by every app of the run
        with app.app_context():
            db.engine.dispose()
        admin.dispose()


def test_a_database_that_cannot_be_reached_answers_503_in_every_door(tmp_path):
    (tmp_path / "db").mkdir()
    app = make_app(f"sqlite:///{tmp_path}/db/arenda.db", PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        db.engine.dispose()
    (tmp_path / "db").rename(tmp_path / "gone")  # the server's files out of reach: no connection opens
    client = app.test_client()
    page = client.post("/login/", data={"username": "owner", "password": PASSWORD})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "База данных не отвечает" in page.text
    api = client.post("/api/v1/security/login", json={"username": "owner", "password": PASSWORD, "provider": "db"})
    assert api.status_code == 503 and api.json["message"].startswith("База данных не отвечает")
    assert client.get("/health").status_code == 503


def test_smtp_down_for_a_night_every_email_goes_out_later_once(session, mailbox):
    autosend_tenancy(session, notify_days_before_end=335)
    mailbox.stop()
    run_nightly("2020-01-31")
    night = utcnow()
    minute = timedelta(minutes=1)
    # rq cron's round every minute for twelve hours, the server down all along
    for n in range(12 * 60):
        sender.deliver(session, night + n * minute)
    rows = session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 4 and {row.status for row in rows} == {"failed"}
    assert {row.attempts for row in rows} == {7}  # 1, 5, 15, 60, 180, 360 minutes apart: not dead, still retrying
    mailbox.start()
    sent = sum(sender.deliver(session, night + (12 * 60 + n) * minute)["sent"] for n in range(12 * 60))
    assert sent == 4
    session.expire_all()
    assert {row.status for row in session.scalars(select(OutboxMessage))} == {"sent"}
    assert len(mailbox.to(MANAGER)) == 2 and len(mailbox.to("buh@tenant.example")) == 2


def test_a_nightly_run_that_dies_after_issuing_leaves_its_emails_to_the_rerun(session, mailbox, monkeypatch):
    from app.jobs import nightly

    autosend_tenancy(session)
    # the worker dies once the documents are committed, before the notifications step
    monkeypatch.setattr(nightly, "STEPS", [step for step in nightly.STEPS if step[0] in ("schedules", "issued")])
    assert run_nightly("2020-01-31")["issued"]["invoices"] == 2
    assert session.scalars(select(OutboxMessage)).all() == []
    monkeypatch.undo()
    rerun = run_nightly("2020-01-31")
    assert rerun["issued"]["invoices"] == 0 and rerun["notifications"]["documents"] == {"summaries": 1, "to_customers": 1}
    assert run_nightly("2020-01-31")["notifications"]["documents"] == {"summaries": 0, "to_customers": 0}
    assert sender.deliver(session) == {"sent": 2, "failed": 0}
    assert [m["Subject"] for m in mailbox.to("buh@tenant.example")] == [
        "Документы от ООО «Северная башня»: счёт № А-1, счёт № А-2, акт № А-1, счёт-фактура № А-1"]


@pytest.mark.processes
@needs_services
def test_a_job_abandoned_by_a_worker_that_is_gone_runs_again_once_when_a_worker_starts(tmp_path):
    from redis import Redis
    from rq import Queue

    redis = RedisServer(tmp_path).start()
    workers = []

    def worker(*flags):
        workers.append(subprocess.Popen([sys.executable, "-m", "rq.cli", "worker", "-w", "app.jobs.worker.Worker",
                                         "--url", redis.url, *flags, "default"], cwd=ROOT, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return workers[-1]

    def runs():
        return len((tmp_path / "runs").read_text().split()) if (tmp_path / "runs").exists() else 0

    try:
        job = Queue("default", connection=Redis.from_url(redis.url)).enqueue("tests.processes.held_job", str(tmp_path))
        first = worker()
        wait_for(lambda: runs() == 1, 30, "the job started")
        # a worker starting beside a live one leaves its job alone
        assert worker("--burst").wait(30) == 0
        assert runs() == 1 and job.get_status() == "started"
        # the first worker dies without a word (as when Redis goes away under it): the job is abandoned
        horses = subprocess.run(["pgrep", "-P", str(first.pid)], capture_output=True, text=True).stdout.split()
        for pid in [first.pid, *map(int, horses)]:
            os.kill(pid, signal.SIGKILL)
        first.wait(10)
        (tmp_path / "release").touch()
        assert worker("--burst").wait(30) == 0
        assert runs() == 2 and job.get_status() == "finished"
        assert worker("--burst").wait(30) == 0
        assert runs() == 2 and job.started_job_registry.count == 0
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        redis.stop()
