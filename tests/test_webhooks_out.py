"""Outgoing webhooks (issue 13 item 5) against a real HTTP server in the test process: each event
an endpoint subscribed to is POSTed as signed JSON after the commit, retried after a failure with
the answer recorded, re-sendable, and never sent twice."""
import hashlib
import hmac
import json
import threading
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.domain import contracts
from app.domain.enums import ContractStatus, OutboxStatus, WebhookEvent
from app.models import OutboxMessage, WebhookEndpoint
from app.notify import outbox, sender
from app.notify.webhooks import WEBHOOK
from app.permissions import ROLE_MANAGER
from app.timeutil import today, utcnow
from tests import factories
from tests.test_site import place  # noqa: F401  (the fixture: a building the site shows)


class Receiver:
    def __init__(self):
        self.received, self.answers = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"busy")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    server = Receiver()
    yield server
    server.stop()


def subscribe(session, url, *events):
    session.query(OutboxMessage).delete()  # e.g. the mail about the staff the fixtures created
    endpoints = [WebhookEndpoint(url=url, event=event.value, secret=f"secret-{event.value}") for event in events]
    session.add_all(endpoints)
    session.commit()
    return endpoints


def deliveries(session):
    return session.scalars(select(OutboxMessage).where(OutboxMessage.channel == WEBHOOK).order_by(OutboxMessage.id)).all()


def test_a_contract_created_over_rest_is_delivered_signed_once(client, session, receiver, api_token):
    subscribe(session, receiver.url, WebhookEvent.CONTRACT_CREATED, WebhookEvent.CONTRACT_STATUS_CHANGED)
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    response = client.post("/api/v1/contract/", headers=api_token(ROLE_MANAGER), json={
        "number": "Д-ВЕБ", "date": "2026-01-01", "executor": executor.id, "customer": customer.id, "status": "booked",
        "start_date": "2026-01-01", "end_date": "2026-11-30", "amocrm_lead_id": 4242,
    })
    assert response.status_code == 201, response.text
    assert receiver.received == []  # nothing is sent inside the request: the sender does it after the commit
    assert [r.event for r in deliveries(session)] == ["contract.created", "contract.status_changed"]
    assert sender.deliver(session)["sent"] == 2
    by_event = {headers["X-Arenda-Event"]: (headers, body) for headers, body in receiver.received}
    headers, body = by_event["contract.created"]
    expected = "sha256=" + hmac.new(b"secret-contract.created", body, hashlib.sha256).hexdigest()
    assert headers["X-Arenda-Signature"] == expected
    payload = json.loads(body)
    assert payload["event"] == "contract.created" and payload["data"]["number"] == "Д-ВЕБ"
    assert payload["data"]["amocrm_lead_id"] == 4242
    status = json.loads(by_event["contract.status_changed"][1])
    assert status["data"]["new_status"] == "booked" and status["data"]["source"] == "api"

    assert sender.deliver(session, utcnow() + timedelta(days=1)) == {"sent": 0, "failed": 0}
    from app.notify import webhooks
    assert webhooks.emit(session, WebhookEvent.CONTRACT_CREATED, f"contract:{response.json['id']}", {}) == 0
    session.commit()
    assert sender.deliver(session, utcnow() + timedelta(days=1))["sent"] == 0
    assert len(receiver.received) == 2
    assert {row.response for row in deliveries(session)} == {"200 ok"}


def test_a_failure_is_retried_with_back_off_and_recorded(client, session, receiver):
    subscribe(session, receiver.url, WebhookEvent.CONTRACT_STATUS_CHANGED)
    contract = factories.contract(session, status=ContractStatus.BOOKED.value)
    session.commit()
    contract.status = ContractStatus.ON_SIGNING.value
    contracts.record_status_change(session, contract, None, "ui")
    session.commit()
    receiver.answers = [503]
    now = utcnow()
    assert sender.deliver(session, now) == {"sent": 0, "failed": 1}
    [row] = deliveries(session)
    assert row.status == OutboxStatus.FAILED.value and row.response == "503 busy" and "503" in row.last_error
    assert sender.deliver(session, now) == {"sent": 0, "failed": 0}  # not before its back-off
    assert sender.deliver(session, now + timedelta(minutes=2)) == {"sent": 1, "failed": 0}
    session.refresh(row)
    assert row.status == OutboxStatus.SENT.value and row.attempts == 2 and row.response == "200 ok"
    first, second = receiver.received
    assert first[1] == second[1] and json.loads(first[1])["data"]["contract"]["id"] == contract.id

    outbox.resend(session, [row.id])  # the admin's «Отправить ещё раз»
    session.commit()
    assert sender.deliver(session, now + timedelta(minutes=3))["sent"] == 1
    assert len(receiver.received) == 3


def test_nothing_is_queued_without_a_subscriber_or_for_a_rolled_back_change(session, receiver):
    subscribe(session, receiver.url, WebhookEvent.CONTRACT_CREATED)
    factories.contract(session)
    session.rollback()
    factories.contract(session, status=ContractStatus.DRAFT.value)  # status_changed: nobody subscribed
    session.commit()
    assert [row.event for row in deliveries(session)] == ["contract.created"]


# --- events written in bulk, past the ORM's flush, and the public site's inquiry ------------

def sent_payloads(receiver, event):
    return [json.loads(body) for headers, body in receiver.received if headers["X-Arenda-Event"] == event]


def test_documents_issued_by_the_nightly_job_are_delivered_once_however_often_it_runs(session, receiver):
    from app.domain import schedule
    from app.jobs import nightly
    from app.models import Act, Invoice

    subscribe(session, receiver.url, WebhookEvent.DOCUMENT_ISSUED)
    contract = factories.contract(session, monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1),
                                  start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    schedule.rebuild(session, contract, date(2020, 1, 1))
    session.commit()
    contract_id = contract.id
    issued = nightly.nightly(session, date(2020, 1, 31))["issued"]
    assert issued["invoices"] == 2 and issued["acts"] == 1
    assert receiver.received == []  # queued in the issuing transaction, sent after it
    assert sender.deliver(session)["sent"] == 3
    assert nightly.nightly(session, date(2020, 1, 31))["issued"]["invoices"] == 0
    assert nightly.nightly(session, date(2020, 2, 1))["issued"]["invoices"] == 0  # the next night: nothing new
    assert sender.deliver(session, utcnow() + timedelta(days=1)) == {"sent": 0, "failed": 0}
    payloads = sent_payloads(receiver, "document.issued")
    assert len(payloads) == 3
    by_id = {(p["data"]["kind"], p["data"]["id"]): p["data"] for p in payloads}
    assert set(by_id) == {("invoice", i) for i in issued["invoice_ids"]} | {("act", i) for i in issued["act_ids"]}
    invoice = session.get(Invoice, issued["invoice_ids"][0])
    data = by_id[("invoice", invoice.id)]
    assert data == {"kind": "invoice", "id": invoice.id, "contract_id": contract_id, "number": invoice.number,
                    "date": invoice.date.isoformat(), "amount": str(invoice.amount), "status": "issued"}
    assert by_id[("act", issued["act_ids"][0])]["status"] == session.get(Act, issued["act_ids"][0]).status == "on_signing"
    assert {p["id"] for p in payloads} == {f"document.issued:{kind}:{pk}:issued" for kind, pk in by_id}


def test_a_document_issued_from_the_card_is_delivered_and_a_rolled_back_issue_sends_nothing(session, login_as, receiver):
    from app.domain import schedule
    from app.models import Invoice

    subscribe(session, receiver.url, WebhookEvent.DOCUMENT_ISSUED)
    day = today()
    contract = factories.contract(session, monthly_rent=Decimal("30000.00"), date=day - timedelta(days=40),
                                  start_date=day - timedelta(days=31), end_date=day + timedelta(days=150))
    schedule.rebuild(session, contract, day)
    session.commit()
    planned = session.scalars(select(Invoice).where(Invoice.contract_id == contract.id, Invoice.status == "planned")
                              .order_by(Invoice.period_start.desc())).all()
    schedule.issue_now(session, planned[1], day)
    session.rollback()  # nothing issued: nothing queued
    assert deliveries(session) == []

    plan_id = planned[0].id
    response = login_as(ROLE_MANAGER).post(f"/invoiceview/issue/{plan_id}", follow_redirects=True)
    assert response.status_code == 200
    session.expire_all()
    assert session.get(Invoice, plan_id).status == "issued"
    assert [row.object_ref for row in deliveries(session)] == [f"invoice:{plan_id}:issued"]
    assert sender.deliver(session)["sent"] == 1
    [payload] = sent_payloads(receiver, "document.issued")
    assert payload["data"]["id"] == plan_id and payload["data"]["number"] == session.get(Invoice, plan_id).number


def test_payments_imported_and_auto_allocated_are_delivered_once_even_if_the_statement_comes_again(session, receiver):
    from app import timeutil
    from app.imports import loader
    from app.models import Allocation, Payment
    from tests.statements import document, statement

    subscribe(session, receiver.url, WebhookEvent.PAYMENT_IMPORTED, WebhookEvent.PAYMENT_ALLOCATED)
    contract = factories.contract(session)
    invoice = factories.invoice(session, contract, number="С-7", amount=Decimal("1000.00"))
    session.commit()

    def party(p):
        account = p.bank_accounts[0].account if p.bank_accounts else f"40702810{p.id:012d}"
        return dict(name=p.name, inn=p.inn, kpp=p.kpp or "", account=account, bik="044525225")

    data = statement([
        document(1, date(2026, 2, 3), "1000.00", party(contract.customer), party(contract.executor), "Оплата по счёту С-7"),
        document(2, date(2026, 2, 4), "500.00", party(contract.executor), party(contract.customer), "Возврат", incoming=False),
    ])
    batch = loader.import_file(session, data, today=timeutil.today())
    session.commit()
    assert (batch.imported, batch.allocated) == (2, 1)
    assert receiver.received == []
    assert sender.deliver(session)["sent"] == 3
    again = loader.import_file(session, data, today=timeutil.today())  # the same statement: duplicates only
    session.commit()
    assert again.imported == 0
    assert sender.deliver(session, utcnow() + timedelta(days=1)) == {"sent": 0, "failed": 0}

    payments = session.scalars(select(Payment).order_by(Payment.id)).all()
    imported = sent_payloads(receiver, "payment.imported")
    assert sorted(p["data"]["id"] for p in imported) == [p.id for p in payments]
    incoming = next(p["data"] for p in imported if p["data"]["direction"] == "incoming")
    assert (incoming["amount"], incoming["payer_inn"], incoming["allocated_amount"]) == ("1000.00", contract.customer.inn, "1000.00")
    assert incoming["purpose"] == "Оплата по счёту С-7" and incoming["batch_id"] == batch.id
    [allocated] = sent_payloads(receiver, "payment.allocated")
    row = session.scalars(select(Allocation)).one()
    assert allocated["data"] == {"allocation_id": row.id, "payment_id": incoming["id"], "invoice_id": invoice.id,
                                 "amount": "1000.00"}
    assert allocated["id"] == f"payment.allocated:allocation:{row.id}"


def test_an_inquiry_from_the_public_site_is_delivered_once(client, session, place, receiver):
    from app.models import Inquiry
    from tests.test_site import _send

    subscribe(session, receiver.url, WebhookEvent.INQUIRY_RECEIVED)
    response = _send(client, place, message="Интересует офис 301, когда можно посмотреть?")
    assert response.status_code == 302
    inquiry = session.scalars(select(Inquiry)).one()
    assert [row.event for row in deliveries(session)] == ["inquiry.received"]
    assert receiver.received == []
    assert sender.deliver(session)["sent"] == 1
    from app.notify import webhooks
    assert webhooks.emit(session, WebhookEvent.INQUIRY_RECEIVED, f"inquiry:{inquiry.id}", {}) == 0  # the same event again
    session.commit()
    assert sender.deliver(session, utcnow() + timedelta(days=1))["sent"] == 0
    [payload] = sent_payloads(receiver, "inquiry.received")
    assert payload["event"] == "inquiry.received" and payload["id"] == f"inquiry.received:inquiry:{inquiry.id}"
    assert payload["data"]["name"] == "Анна" and payload["data"]["building_id"] == place.id
    assert payload["data"]["message"] == "Интересует офис 301, когда можно посмотреть?" and "address" not in payload["data"]
    assert payload["data"]["status"] == "new" and payload["data"]["email"] == "anna@example.ru"
