"""Faults: the database connection dropped under the app (pool pre-ping: the request in flight
fails cleanly, the next one works), and the mail server down for a whole night (every email
goes out later, once). The process faults (a worker killed mid-job, Redis restarted) are
`python -m benchmarks faults`."""
import os
from datetime import timedelta

import pytest
from flask import request
from sqlalchemy import create_engine, select, text

from app.extensions import db
from app.jobs.nightly import run_nightly
from app.models import OutboxMessage
from app.notify import sender
from app.timeutil import utcnow
from tests.conftest import login, make_app, role_username
from tests.test_notify_delivery import MANAGER, autosend_tenancy

NAME = "arenda-fault-test"


@pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="ARENDA_TEST_DATABASE_URL is not set")
def test_a_dropped_database_connection_fails_the_request_in_flight_and_the_next_one_works(session, database_url):
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

    try:
        client = login(app.test_client(), role_username("Manager"))
        assert client.get("/contractview/list/").status_code == 200
        in_flight = client.get("/contractview/list/?drop=1")
        assert in_flight.status_code == 500 and "Traceback" not in in_flight.text
        assert client.get("/contractview/list/").status_code == 200
        # dropped between requests: pre-ping replaces the dead pooled connection, nothing fails
        assert drop_connections() >= 1
        assert client.get("/contractview/list/").status_code == 200
        assert client.get("/health").json == {"status": "ok", "database": "ok", "redis": "off"}
    finally:
        with app.app_context():
            db.engine.dispose()
        admin.dispose()


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
