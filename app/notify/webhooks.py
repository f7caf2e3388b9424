"""Outgoing webhooks (pro.rent's «вебхуки»): each event an endpoint subscribed to becomes an outbox
row on the webhook channel — one per event and URL (`uq_outbox_once`: the event, its id as the
object, the URL as the recipient) — delivered after the commit by the outbox sender with its
claims, retries and back-off (app.notify.sender), signed by `channels.WebhookChannel`.

Events are noticed at flush, whatever door wrote them (admin, REST, amoCRM's webhook, jobs that
go through the ORM): a contract created or changed, a status history row, an invoice or act
turned issued or cancelled, an allocation made, an inquiry from the public site. What is written
in bulk, past the flush, is announced by its writer through `app.bulk.announce` and emitted here
by `bulk_written`: documents issued by the nightly job and the card's «Выставить»
(app.domain.issuing), operations imported from a statement (app.imports.loader) and allocations
written in bulk (its auto-allocation, app.domain.allocation). Rows are written in the same
transaction, at commit; a rolled-back change sends nothing."""
import json

from sqlalchemy import event, inspect, select

from app import bulk
from app.domain.enums import WebhookEvent
from app.models import Act, Allocation, Contract, ContractStatusChange, Inquiry, Invoice, Payment, WebhookEndpoint
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


def _allocation(allocation):
    return {"allocation_id": allocation.id, "payment_id": allocation.payment_id, "invoice_id": allocation.invoice_id,
            "amount": str(allocation.amount)}


def _payment(payment):
    return {"id": payment.id, "date": payment.date.isoformat(), "number": payment.number, "amount": str(payment.amount),
            "direction": payment.direction, "payer_name": payment.payer_name, "payer_inn": payment.payer_inn,
            "payer_kpp": payment.payer_kpp, "recipient_inn": payment.recipient_inn, "purpose": payment.purpose,
            "internal_transfer": payment.internal_transfer, "allocated_amount": str(payment.allocated_amount),
            "batch_id": payment.batch_id}


def _inquiry(inquiry):  # not the sender's IP address: it is kept for the rate limit only
    return {"id": inquiry.id, "name": inquiry.name, "phone": inquiry.phone, "email": inquiry.email,
            "message": inquiry.message, "building_id": inquiry.building_id, "section_id": inquiry.section_id,
            "status": inquiry.status, "created": inquiry.created.isoformat() if inquiry.created else None}


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
            noticed.append((WebhookEvent.PAYMENT_ALLOCATED, f"allocation:{obj.id}", _allocation(obj)))
        elif isinstance(obj, Inquiry):
            noticed.append((WebhookEvent.INQUIRY_RECEIVED, f"inquiry:{obj.id}", _inquiry(obj)))
    for obj in session.dirty:
        if isinstance(obj, Contract) and obj.id not in created and session.is_modified(obj, include_collections=False):
            noticed.append((WebhookEvent.CONTRACT_CHANGED, f"contract:{obj.id}:{moment}", _contract(obj)))
        elif isinstance(obj, (Invoice, Act)) and obj.status in _DOCUMENT_EVENTS and _changed(obj, "status"):
            kind = "act" if isinstance(obj, Act) else "invoice"
            noticed.append((_DOCUMENT_EVENTS[obj.status], f"{kind}:{obj.id}:{obj.status}", _document(kind, obj)))


def _before_commit(session):
    session.flush()
    noticed, urls = session.info.pop(PENDING, []), {}
    for event_, object_ref, data in noticed:  # the subscribers read once per event (an import notices thousands)
        if event_ not in urls:
            urls[event_] = _subscribers(session, event_)
        emit(session, event_, object_ref, data, urls=urls[event_])
    bulk_written(session, session.info.pop(bulk.WRITTEN, {}))
    _forget(session)


def _forget(session):
    for key in (PENDING, MOMENT, CREATED, bulk.WRITTEN):
        session.info.pop(key, None)


def _after_rollback(session):
    _forget(session)


def _loaded(session, model, ids):
    rows = []
    for clause in bulk.where_in(session, model.id, ids):
        rows += session.scalars(select(model).where(clause).order_by(model.id)).all()
    return rows


def _bulk_events(session, written):
    """(event, [(object_ref, data)]) of what was written in bulk: {what: ids} as `bulk.announce` keeps it."""
    for kind, model in (("invoice", Invoice), ("act", Act)):
        yield WebhookEvent.DOCUMENT_ISSUED, lambda kind=kind, model=model: [
            (f"{kind}:{document.id}:issued", _document(kind, document))  # the flush's key: never twice
            for document in _loaded(session, model, written.get(kind, ()))]
    yield WebhookEvent.PAYMENT_IMPORTED, lambda: [
        (f"payment:{payment.id}", _payment(payment)) for payment in _loaded(session, Payment, written.get("payment", ()))]
    yield WebhookEvent.PAYMENT_ALLOCATED, lambda: [
        (f"allocation:{allocation.id}", _allocation(allocation))
        for allocation in _allocations(session, written.get("allocation", ()))]


def _allocations(session, pairs):
    """The allocations written in bulk, without ids: found by their payment and invoice."""
    pairs, rows = set(pairs), []
    for clause in bulk.where_in(session, Allocation.payment_id, {payment_id for payment_id, _ in pairs}):
        rows += session.scalars(select(Allocation).where(clause)).all()
    return sorted((row for row in rows if (row.payment_id, row.invoice_id) in pairs), key=lambda row: row.id)


def bulk_written(session, written):
    """Queue the events of rows written in bulk in this transaction ({what: ids}, see
    `app.bulk.announce`): a document issued, a payment imported, an allocation made. The rows are
    read only for an event some endpoint subscribed to; returns the outbox rows written."""
    if not written:
        return 0
    created = 0
    for event_, events in _bulk_events(session, written):
        urls = _subscribers(session, event_)
        if urls:
            created += sum(emit(session, event_, object_ref, data, urls=urls) for object_ref, data in events())
    return created


def _subscribers(session, event_):
    return session.scalars(select(WebhookEndpoint.url).where(WebhookEndpoint.event == str(event_),
                                                             WebhookEndpoint.active.is_(True))).all()


def emit(session, event_, object_ref, data, day=None, urls=None):
    """Queue the event for every active endpoint subscribed to it (`urls`: those already read);
    returns the rows written (0: none subscribed, or this event was queued before)."""
    urls = _subscribers(session, event_) if urls is None else urls
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
