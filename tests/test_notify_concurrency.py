"""Two workers run the nightly job and the sender at the same moment (PostgreSQL): every
reminder is written and sent once, every issued document is announced once, nothing is lost."""
import json
import multiprocessing
import os
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import select
from sqlalchemy.pool import NullPool

from app.domain import schedule
from app.models import Account, Invoice, OutboxMessage
from tests import factories
from tests.mailbox import header

WORKERS = 2

pytestmark = pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="needs PostgreSQL (ARENDA_TEST_DATABASE_URL)")


def _worker(url, day, barrier, results):
    """Child process: its own app on the test database; the nightly job, then the sender."""
    from app import create_app
    from app.extensions import db
    from app.jobs.nightly import nightly
    from app.notify import sender

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})
    with app.app_context():
        barrier.wait()
        summary = nightly(db.session, day)
        results.put((summary["notifications"], sender.deliver(db.session)))


def test_two_workers_at_once_send_every_message_once(session, database_url, mailbox):
    manager = session.scalar(select(User).where(User.username == "manager"))
    landlord = factories.executor(session, name="ООО «Башня»")
    for n in range(12):
        contract = factories.contract(
            session, number=f"Д-{n}", manager=manager, executor=landlord, autosend_documents=True,
            customer=factories.customer(session, recipient_emails=f"tenant{n}@example.test"),
            monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1), start_date=date(2020, 1, 1), end_date=date(2020, 12, 31),
            notify_days_before_end=335,  # a contract-end reminder on 31.01.2020
        )
        schedule.rebuild(session, contract, date(2020, 1, 1))
    session.add(Account(name="А", plan_name="Базовый", billing_period="monthly", price=Decimal("1"), paid_until=date(2020, 1, 31)))
    session.commit()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    workers = [context.Process(target=_worker, args=(database_url, date(2020, 1, 31), barrier, results)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    rows = session.scalars(select(OutboxMessage)).all()
    assert sum(sent["sent"] for _, sent in outcomes) == len(rows) == len(mailbox.received)
    assert {row.status for row in rows} == {"sent"}
    received = Counter((tuple(recipients), header(raw, "Subject")) for recipients, raw in mailbox.received)
    assert set(received.values()) == {1}
    reminders = [row for row in rows if row.event in ("contract_ends", "tariff_ends")]
    assert Counter(row.event for row in reminders) == {"contract_ends": 24, "tariff_ends": 2}  # manager + customer × 12; owner, tariff user
    invoices = session.scalars(select(Invoice.number).where(Invoice.status == "issued")).all()
    announced = [number for row in rows if row.event == "documents_issued"
                 for number in re.findall(r"Счёт № (А-\d+)", row.body_text)]
    assert sorted(announced) == sorted(invoices) and len(invoices) == 24  # each once, in the summaries
    to_customers = [row for row in rows if row.event == "documents_sent"]
    attached = [(ref["kind"], ref["id"]) for row in to_customers for ref in json.loads(row.attachments)]
    assert len(to_customers) == 12 and len(attached) == len(set(attached)) == 12 * 4  # 2 invoices, an act, a VAT invoice each
