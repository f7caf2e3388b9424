"""Outgoing webhooks (pro.rent's «вебхуки»): each event an endpoint subscribed to becomes an outbox
row on the webhook channel — one per event and URL (`uq_outbox_once`: the event, its id as the
object, the URL as the recipient) — delivered after the commit by the outbox sender with its
claims, retries and back-off (app.notify.sender), signed by `channels.WebhookChannel`.

Events are noticed at flush, whatever door wrote them (admin, REST, amoCRM's webhook, jobs that
go through the ORM): a contract created or changed, a status history row, an invoice or act
turned issued or cancelled, an allocation made. Rows are written in the same transaction, at
commit; a rolled-back change sends nothing."""
import json

from sqlalchemy import event, inspect, select

from app.domain.enums import WebhookEvent
from app.models import Act, Allocation, Contract, ContractStatusChange, Invoice, WebhookEndpoint
from app.notify import outbox
from app.timeutil import today, utcnow

WEBHOOK = "webhook"  # the outbox channel
PENDING = "arenda.pending_webhooks"  # session.info: [(event, object_ref, data)] noticed in this transaction
MOMENT, CREATED = "arenda.webhooks_moment", "arenda.webhooks_created"
_DOCUMENT_EVENTS = {"issued": WebhookEvent.DOCUMENT_ISSUED, "cancelled": WebhookEvent.DOCUMENT_CANCELLED}


def _contract(contract):
    return {"id": contract.id, "number": contract.number, "status": contract.status, "amocrm_lead_id": contract.amocrm_lead_id,
            "customer_id": contract.customer_id, "executor_id": contract.executor_id,
            "start_date": contract.start_date.isoformat() if contract.start_date else None,
            "end_date": contract.end_date.isoformat() if contract.end_date else None}


def _document(kind, document):
    return {"kind": kind, "id": document.id, "contract_id": document.contract_id, "number": document.number,
            "date": document.date.isoformat() if document.date else None, "amount": str(document.amount),
            "status": document.status}


def _changed(obj, *keys):
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def _after_flush(session, flush_context):
    noticed = session.info.setdefault(PENDING, [])
    moment = session.info.setdefault(MOMENT, utcnow().isoformat())  # one "changed" per contract and transaction
    created = session.info.setdefault(CREATED, set())
    for obj in session.new:
        if isinstance(obj, Contract):
            created.add(obj.id)
            noticed.append((WebhookEvent.CONTRACT_CREATED, f"contract:{obj.id}", _contract(obj)))
        elif isinstance(obj, ContractStatusChange):
            noticed.append((WebhookEvent.CONTRACT_STATUS_CHANGED, f"contract:{obj.contract_id}:status:{obj.id}",
                            {"contract": _contract(obj.contract), "old_status": obj.old_status, "new_status": obj.new_status,
                             "source": obj.source}))
        elif isinstance(obj, Allocation):
            noticed.append((WebhookEvent.PAYMENT_ALLOCATED, f"allocation:{obj.id}",
                            {"allocation_id": obj.id, "payment_id": obj.payment_id, "invoice_id": obj.invoice_id,
                             "amount": str(obj.amount)}))
    for obj in session.dirty:
        if isinstance(obj, Contract) and obj.id not in created and session.is_modified(obj, include_collections=False):
            noticed.append((WebhookEvent.CONTRACT_CHANGED, f"contract:{obj.id}:{moment}", _contract(obj)))
        elif isinstance(obj, (Invoice, Act)) and obj.status in _DOCUMENT_EVENTS and _changed(obj, "status"):
            kind = "act" if isinstance(obj, Act) else "invoice"
            noticed.append((_DOCUMENT_EVENTS[obj.status], f"{kind}:{obj.id}:{obj.status}", _document(kind, obj)))


def _before_commit(session):
    session.flush()
    noticed = session.info.pop(PENDING, [])
    for event_, object_ref, data in noticed:
        emit(session, event_, object_ref, data)
    _forget(session)


def _forget(session):
    for key in (PENDING, MOMENT, CREATED):
        session.info.pop(key, None)


def _after_rollback(session):
    _forget(session)


def emit(session, event_, object_ref, data, day=None):
    """Queue the event for every active endpoint subscribed to it; returns the rows written (0: none
    subscribed, or this event was queued before)."""
    urls = session.scalars(select(WebhookEndpoint.url).where(WebhookEndpoint.event == str(event_),
                                                             WebhookEndpoint.active.is_(True))).all()
    if not urls:
        return 0
    event_id = f"{event_}:{object_ref}"
    body = json.dumps({"id": event_id, "event": str(event_), "occurred_at": utcnow().isoformat(), "data": data},
                      ensure_ascii=False, sort_keys=True)
    content = outbox.Content(subject=WebhookEvent.label_of(str(event_)), text=body)
    return outbox.put(session, str(event_), object_ref, urls, day or today(), content, channel=WEBHOOK)


def install(scoped_session):
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(scoped_session, name, listener):
            event.listen(scoped_session, name, listener)
