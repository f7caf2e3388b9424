"""Delivery through a real SMTP server in the test process: the raw headers of tenant mail
(From «Робот …» RFC 2047-encoded, Reply-To, Message-ID), PDF attachments, sending once,
SMTP down (failed and retrying, sent when it is back), permanent refusals, the CLI, RQ."""
import json
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from fakeredis import FakeStrictRedis
from flask_appbuilder.security.sqla.models import User
from rq import Queue
from sqlalchemy import select

from app.domain import schedule
from app.domain.enums import OutboxStatus
from app.jobs import outbox as outbox_job
from app.jobs.nightly import run_nightly
from app.models import OutboxMessage
from app.notify import events, sender
from app.notify.outbox import Content, put
from app.timeutil import utcnow
from tests import factories
from tests.mailbox import header

MANAGER = "manager@test.example"


def autosend_tenancy(session, **fields):
    values = dict(
        number="15/А", manager=session.scalar(select(User).where(User.username == "manager")), autosend_documents=True,
        executor=factories.executor(session, name="ООО «Северная башня»", reply_to_email="office@tower.example"),
        customer=factories.customer(session, name="ООО «Арендатор»", recipient_emails="buh@tenant.example"),
        monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1), start_date=date(2020, 1, 1), end_date=date(2020, 12, 31),
    )
    values.update(fields)
    contract = factories.contract(session, **values)
    schedule.rebuild(session, contract, date(2020, 1, 1))
    session.commit()
    return contract


def statuses(session):
    session.expire_all()
    return sorted((row.recipient, row.status) for row in session.scalars(select(OutboxMessage)))


def test_tenant_mail_comes_from_the_executors_robot_with_reply_to_and_pdfs(session, mailbox):
    autosend_tenancy(session)
    run_nightly("2020-01-31")
    assert sender.deliver(session) == {"sent": 2, "failed": 0}  # the customer's documents, the manager's summary
    [raw] = [raw for recipients, raw in mailbox.received if recipients == ["buh@tenant.example"]]
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # 7-bit headers: every Cyrillic word is encoded
    assert "From: =?utf-8?" in headers and "<robot@mail.test>" in headers
    assert "Reply-To: office@tower.example" in headers
    assert header(raw, "From") == "Робот ООО «Северная башня» <robot@mail.test>"
    [tenant_mail] = mailbox.to("buh@tenant.example")
    assert tenant_mail["Message-ID"].endswith("@mail.test>")
    assert tenant_mail["Subject"] == "Документы от ООО «Северная башня»: счёт № А-1, счёт № А-2, акт № А-1, счёт-фактура № А-1"
    files = {part.get_filename(): part.get_content() for part in tenant_mail.iter_attachments()}
    assert sorted(files) == ["Акт № А-1 от 31.01.2020.pdf", "Счёт № А-1 от 25.12.2019.pdf", "Счёт № А-2 от 25.01.2020.pdf",
                             "Счёт-фактура № А-1 от 31.01.2020.pdf"]
    assert all(data.startswith(b"%PDF") for data in files.values())
    assert "во вложении" in tenant_mail.get_body(("plain",)).get_content()
    assert "<li>" in tenant_mail.get_body(("html",)).get_content()
    [summary] = mailbox.to(MANAGER)
    assert summary["From"].addresses[0].display_name == "Аренда" and summary["Reply-To"] is None
    assert not list(summary.iter_attachments())


def test_the_nightly_job_twice_and_senders_again_deliver_each_message_once(session, mailbox):
    autosend_tenancy(session, notify_days_before_end=335)  # and a contract-end reminder on 31.01.2020
    run_nightly("2020-01-31")
    run_nightly("2020-01-31")
    assert sender.deliver(session) == {"sent": 4, "failed": 0}
    assert sender.deliver(session) == {"sent": 0, "failed": 0}
    assert sorted(message["Subject"] for message in mailbox.to(MANAGER)) == [
        "Выставлены документы 31.01.2020: 4", "Договор № 15/А с ООО «Арендатор» заканчивается 31.12.2020",
    ]
    assert sorted(message["Subject"] for message in mailbox.to("buh@tenant.example")) == [
        "Документы от ООО «Северная башня»: счёт № А-1, счёт № А-2, акт № А-1, счёт-фактура № А-1",
        "Срок договора аренды № 15/А заканчивается 31.12.2020",
    ]


def queue_one(session, recipient="someone@example.test", attachments=None):
    content = Content(subject="Проверка", text="Текст", html="<p>Текст</p>", attachments=attachments or [])
    put(session, "contract_ends", "contract:1", [recipient], date(2026, 3, 1), content)
    session.commit()


def test_smtp_down_keeps_messages_failed_and_retrying_and_sends_them_when_it_is_back(session, mailbox):
    mailbox.stop()
    queue_one(session, "a@example.test")
    queue_one(session, "b@example.test")
    now = utcnow()
    assert sender.deliver(session, now) == {"sent": 0, "failed": 2}
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.status, r.attempts) for r in rows] == [("failed", 1), ("failed", 1)]
    assert rows[0].last_error.startswith("Почтовый сервер недоступен")
    assert sender.deliver(session, now + timedelta(seconds=30)) == {"sent": 0, "failed": 0}  # back-off: not yet
    assert sender.deliver(session, now + timedelta(minutes=2)) == {"sent": 0, "failed": 2}  # still down: second attempt
    assert {r.attempts for r in session.scalars(select(OutboxMessage))} == {2}
    mailbox.start()
    assert sender.deliver(session, now + timedelta(minutes=4)) == {"sent": 0, "failed": 0}  # next try 5 minutes after the 2nd
    assert sender.deliver(session, now + timedelta(minutes=8)) == {"sent": 2, "failed": 0}
    assert statuses(session) == [("a@example.test", "sent"), ("b@example.test", "sent")]
    assert mailbox.recipients() == ["a@example.test", "b@example.test"]


def test_backoff_grows_and_the_last_attempt_gives_up():
    assert [sender.backoff(n) for n in (1, 2, 3, 7, 8, 19)] == [timedelta(minutes=m) for m in (1, 5, 15, 720, 720, 720)]


def test_attempts_run_out_and_a_refused_address_is_dead_at_once(session, mailbox):
    mailbox.refuse.add("nobody@example.test")
    queue_one(session, "nobody@example.test")
    queue_one(session, "someone@example.test")
    assert sender.deliver(session) == {"sent": 1, "failed": 1}
    dead = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "nobody@example.test"))
    assert dead.status == OutboxStatus.DEAD.value and "550" in dead.last_error
    mailbox.stop()
    queue_one(session, "late@example.test")
    late = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "late@example.test"))
    late.attempts = sender.MAX_ATTEMPTS - 1
    session.commit()
    assert sender.deliver(session) == {"sent": 0, "failed": 1}
    session.refresh(late)
    assert (late.status, late.attempts) == (OutboxStatus.DEAD.value, sender.MAX_ATTEMPTS)


def test_a_message_whose_document_is_gone_is_dead_with_the_reason(session, mailbox):
    queue_one(session, attachments=[{"kind": "invoice", "id": 999999}])
    assert sender.deliver(session) == {"sent": 0, "failed": 1}
    row = session.scalar(select(OutboxMessage))
    assert row.status == "dead" and "удалён" in row.last_error


def test_a_claimed_message_is_not_sent_by_a_second_sender(session, mailbox):
    queue_one(session)
    row = session.scalar(select(OutboxMessage))
    assert sender._claim(session, row.id, utcnow())
    assert sender.deliver(session) == {"sent": 0, "failed": 0}  # leased to the first sender
    assert sender.deliver(session, utcnow() + sender.LEASE + timedelta(seconds=1)) == {"sent": 1, "failed": 0}  # it died: lease over


def test_the_1c_export_file_is_attached_as_it_was_handed_over(session, mailbox):
    data = "<?xml version='1.0' encoding='UTF-8'?><Сообщение/>".encode()
    events.export_1c_made(session, date(2026, 2, 1), "1c@landlord.example", "Выгрузка январь.xml", data, "январь 2026")
    session.commit()
    assert sender.deliver(session) == {"sent": 1, "failed": 0}
    [message] = mailbox.to("1c@landlord.example")
    [part] = message.iter_attachments()
    assert (part.get_filename(), part.get_content_type(), part.get_content()) == ("Выгрузка январь.xml", "application/xml", data)


def test_cli_outbox_send_prints_sent_and_failed(app, session, mailbox):
    queue_one(session, "a@example.test")
    mailbox.refuse.add("b@example.test")
    queue_one(session, "b@example.test")
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"sent": 1, "failed": 1}


def test_the_rq_job_delivers_and_a_commit_with_messages_enqueues_it(app, session, mailbox, monkeypatch):
    queue_one(session)
    assert Queue(is_async=False, connection=FakeStrictRedis()).enqueue(outbox_job.send_outbox).return_value() == {"sent": 1, "failed": 0}
    redis = FakeStrictRedis()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://redis.invalid:6379/0")
    monkeypatch.setattr(outbox_job.Redis, "from_url", lambda url: redis)
    queue_one(session, "next@example.test")  # its commit asks for delivery
    [job] = Queue(outbox_job.QUEUE, connection=redis).jobs
    assert job.func_name == "app.jobs.outbox.send_outbox" and job.retries_left == 3


def test_cron_sends_the_outbox_every_minute(monkeypatch):
    from rq import cron

    monkeypatch.setattr(cron, "_job_data_registry", list(cron._job_data_registry))  # loading consumes the global registry
    scheduler = cron.CronScheduler(connection=FakeStrictRedis())
    scheduler.load_config_from_file("app.jobs.cron")  # as `rq cron app.jobs.cron` does
    [job] = [job for job in scheduler.get_jobs() if job.func_name == "app.jobs.outbox.send_outbox"]
    assert job.interval == 60


def test_the_embedded_sender_thread_delivers_when_woken(app, session, mailbox):
    import threading
    import time

    from app.jobs import embedded

    stop = threading.Event()
    thread = embedded.start_sender(app, stop)
    try:
        time.sleep(0.5)  # its first round found nothing
        queue_one(session)  # the commit wakes it
        for _ in range(100):
            if mailbox.received:
                break
            time.sleep(0.1)
        assert mailbox.recipients() == ["someone@example.test"]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.mark.processes
@pytest.mark.skipif(not os.environ.get("ARENDA_TEST_REDIS_URL"), reason="ARENDA_TEST_REDIS_URL is not set")
def test_a_real_redis_worker_sends_what_a_commit_enqueued(app, session, mailbox, database_url, tmp_path, monkeypatch):
    from redis import Redis

    url = os.environ["ARENDA_TEST_REDIS_URL"]
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setattr(outbox_job, "QUEUE", f"arenda-test-{uuid.uuid4().hex[:8]}")
    queue_one(session, "worker@example.test")  # the commit enqueues send_outbox
    env = dict(os.environ, DATABASE_URL=database_url, ARENDA_INSTANCE_DIR=str(tmp_path), TZ="UTC")
    env.pop("ARENDA_CONFIG", None)
    worker = subprocess.run([sys.executable, "-m", "rq.cli", "worker", "--burst", "--url", url, outbox_job.QUEUE],
                            cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True, timeout=120)
    assert worker.returncode == 0, worker.stderr
    assert mailbox.recipients() == ["worker@example.test"]
    Queue(outbox_job.QUEUE, connection=Redis.from_url(url)).delete(delete_jobs=True)
