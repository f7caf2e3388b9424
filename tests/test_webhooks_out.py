"""Outgoing webhooks (issue 13 item 5) against a real HTTP server in the test process: each event
an endpoint subscribed to is POSTed as signed JSON after the commit, retried after a failure with
the answer recorded, re-sendable, and never sent twice."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.domain import contracts
from app.domain.enums import ContractStatus, OutboxStatus, WebhookEvent
from app.models import OutboxMessage, WebhookEndpoint
from app.notify import outbox, sender
from app.notify.webhooks import WEBHOOK
from app.permissions import ROLE_MANAGER
from app.timeutil import utcnow
from tests import factories


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
