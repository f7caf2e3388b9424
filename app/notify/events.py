"""The notification events of SPEC §1.8: whom each one tells, what it says, and its outbox key.

Called from the nightly job (`nightly_step`: reminders, and the documents it issued), from
hooks.py (staff and tariff changes, at once), and by the features that own the other two
events: the scheduled 1C export calls `export_1c_made`, the public site's feedback form calls
`site_inquiry`; the lists' «Отправить заказчику» calls `documents_resent`. Messages to a customer come from «Робот {executor}» with Reply-To the executor
card's address, so that a reply reaches only the landlord. Only `nightly_step` commits.
"""
import hashlib
import heapq
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import bulk, pacing
from app.domain import issuing, reminders
from app.domain.contracts import last_day_before
from app.domain.enums import N_, NotifyEvent
from app.domain.words import format_amount
from app.errors import DomainError
from app.models import Act, Contract, Counterparty, Invoice, User, VatInvoice
from app.notify import attachments, recipients, settings
from app.notify.outbox import put
from app.notify.render import FOOTER, render, reply_footer
from app.notify.sender import files_dir
from app.timeutil import utcnow


def _to_customer(name, executor, **context):
    """A message to the customer: from the executor's robot, replies to the executor card's email."""
    content = render(name, footer=reply_footer(executor.name), executor=executor, **context)
    content.sender_name = f"Робот {executor.name}"
    content.reply_to = executor.reply_to_email or executor.email
    return content


def _occurrence(ref):
    """An object reference for an event that happens at once: each occurrence is its own message."""
    return f"{ref}@{utcnow():%Y%m%dT%H%M%S%f}"


def _digest(refs):
    return hashlib.sha1(",".join(sorted(refs)).encode()).hexdigest()[:20]


# --- reminders -----------------------------------------------------------------------------

def _agreement_changes(agreement):
    """What the agreement changes, as the reminder lists it."""
    changes = []
    if agreement.new_monthly_rent is not None:
        changes.append(f"арендная плата — {format_amount(agreement.new_monthly_rent)} ₽ в месяц")
    if agreement.rooms:
        rooms = ", ".join(str(line.room.number) for line in agreement.rooms)
        area = sum(line.area for line in agreement.rooms)
        changes.append(f"помещения — {rooms} (всего {format_amount(area)} м²)")
    if agreement.new_end_date is not None:
        changes.append(f"договор действует по {agreement.new_end_date:%d.%m.%Y}")
    if agreement.terminates:
        last = last_day_before(agreement)
        changes.append(f"договор расторгается, последний день аренды — {last:%d.%m.%Y}")
    return changes


def _remind_manager_and_customer(session, event, reminder, day, contract, ref, **context):
    context.update(contract=contract, customer=contract.customer, day=day, event_day=reminder.event_day,
                   days_left=(reminder.event_day - day).days)
    created = put(session, event, ref, recipients.staff(contract.manager), reminder.trigger,
                  render(event.value, for_customer=False, **context))
    created += put(session, event, ref, recipients.customer(contract.customer), reminder.trigger,
                   _to_customer(event.value, contract.executor, for_customer=True, **context))
    return created


def remind(session, day):
    """Write the reminders due on `day` (catching up missed days, see domain.reminders)."""
    counts = defaultdict(int)
    for reminder in reminders.agreements_starting(session, day):
        agreement = reminder.subject
        counts[NotifyEvent.AGREEMENT_STARTS.value] += _remind_manager_and_customer(
            session, NotifyEvent.AGREEMENT_STARTS, reminder, day, agreement.contract,
            f"agreement:{agreement.id}:{reminder.event_day}", agreement=agreement, changes=_agreement_changes(agreement),
        )
    for reminder in reminders.contracts_ending(session, day):
        contract = reminder.subject
        counts[NotifyEvent.CONTRACT_ENDS.value] += _remind_manager_and_customer(
            session, NotifyEvent.CONTRACT_ENDS, reminder, day, contract, f"contract:{contract.id}:{reminder.event_day}",
        )
    tariff_ending = reminders.tariff_ending(session, day)
    people = recipients.tariff_people(session) if tariff_ending else []
    for reminder in tariff_ending:
        account = reminder.subject
        content = render(NotifyEvent.TARIFF_ENDS.value, account=account, day=day, days_left=(reminder.event_day - day).days)
        counts[NotifyEvent.TARIFF_ENDS.value] += put(
            session, NotifyEvent.TARIFF_ENDS, f"account:{account.id}:{reminder.event_day}", people, reminder.trigger, content,
        )
    return dict(counts)


# --- documents issued by the schedule ------------------------------------------------------

@dataclass
class IssuedDocument:
    kind: str  # a key of attachments.DOCUMENTS
    doc: object
    contract: Contract

    @property
    def label(self):
        return attachments.DOCUMENTS[self.kind][2]

    @property
    def ref(self):
        return f"{self.kind}:{self.doc.id}"

    @property
    def period(self):
        source = self.doc.act if self.kind == "vat_invoice" else self.doc
        return source.period_start, source.period_end


_ORDER = {"invoice": 0, "act": 1, "vat_invoice": 2}
_PARTIES = (selectinload(Contract.customer), selectinload(Contract.executor))
_LOADED = {  # kind: (summary key, model, eager loading down to the contract's customer and executor)
    "invoice": ("invoice_ids", Invoice, selectinload(Invoice.contract).options(*_PARTIES)),
    "act": ("act_ids", Act, selectinload(Act.contract).options(*_PARTIES)),
    "vat_invoice": ("vat_invoice_ids", VatInvoice, selectinload(VatInvoice.act).selectinload(Act.contract).options(*_PARTIES)),
}
BATCH = 500  # documents loaded at once (whole groups of one customer and executor)


def _of_contracts(kind, model, among, *columns):
    """`columns` of the documents of `kind` matching `among`, joined to their contracts: the
    callers keep those of contracts with autosend on, or of a manager (a month of tens of
    thousands, mostly of neither, stays small)."""
    query = select(*columns).select_from(model).where(among)
    if kind == "vat_invoice":
        return query.join(Act, Act.id == VatInvoice.act_id).join(Contract, Contract.id == Act.contract_id)
    return query.join(Contract, Contract.id == model.contract_id)


def _batches(session, issued):
    """The documents among `issued` sent to their customers, as lists of (kind, id) of about
    BATCH documents in which a customer's documents from one executor are all in one list
    (read as plain ids first, kept per customer and executor as one array of kind and id)."""
    kinds = list(_LOADED)
    groups = defaultdict(lambda: array("q"))
    for code, (kind, (key, model, _)) in enumerate(_LOADED.items()):
        for among in bulk.where_in(session, model.id, issued.get(key) or []):
            query = _of_contracts(kind, model, among, model.id, Contract.customer_id, Contract.executor_id)
            query = query.where(Contract.autosend_documents.is_(True)).execution_options(yield_per=BATCH)
            for doc_id, customer_id, executor_id in session.execute(query):
                groups[(customer_id, executor_id)].append(doc_id * len(kinds) + code)
    batch = []
    for group in groups.values():
        batch += [(kinds[item % len(kinds)], item // len(kinds)) for item in group]
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _order(contract_number, contract_id, kind, number):
    """The order in which the emails list the documents."""
    return contract_number, contract_id, _ORDER[kind], number or ""


def _loaded(session, batch):
    """The documents of `batch` with their contracts and people, in the emails' order."""
    found = []
    for kind, (key, model, loading) in _LOADED.items():
        for among in bulk.where_in(session, model.id, [doc_id for doc_kind, doc_id in batch if doc_kind == kind]):
            for doc in session.scalars(select(model).where(among).options(loading)):
                found.append(IssuedDocument(kind, doc, doc.act.contract if kind == "vat_invoice" else doc.contract))
    return sorted(found, key=lambda item: _order(item.contract.number, item.contract.id, item.kind, item.doc.number))


class SummaryLine(NamedTuple):
    """A document as a manager's summary lists it (IssuedDocument's values, read as plain
    columns): a summary of thousands of documents does not hold their objects."""
    ref: str
    label: str
    number: str
    date: object
    customer: str
    contract: str
    period: tuple
    amount: object
    sent: bool  # autosend is on: the customer got it too


def _managers(session, issued):
    """The ids of the managers of contracts among whose documents `issued` has some."""
    found = set()
    for kind, (key, model, _) in _LOADED.items():
        for among in bulk.where_in(session, model.id, issued.get(key) or []):
            query = _of_contracts(kind, model, among, Contract.manager_id).where(Contract.manager_id.is_not(None))
            found.update(session.scalars(query.distinct()))
    return sorted(found)


def _summary_lines(session, manager_id, issued):
    """The lines of a manager's summary, in its order."""
    lines = []
    for kind, (key, model, _) in _LOADED.items():
        period = (Act.period_start, Act.period_end) if kind == "vat_invoice" else (model.period_start, model.period_end)
        columns = (model.id, model.number, model.date, model.amount, *period, Contract.id, Contract.number,
                   Contract.autosend_documents, Counterparty.name)
        for among in bulk.where_in(session, model.id, issued.get(key) or []):
            query = (_of_contracts(kind, model, among, *columns).join(Counterparty, Counterparty.id == Contract.customer_id)
                     .where(Contract.manager_id == manager_id))
            for doc_id, number, day, amount, start, end, contract_id, contract, autosend, customer in session.execute(query):
                lines.append((_order(contract, contract_id, kind, number), SummaryLine(
                    f"{kind}:{doc_id}", attachments.DOCUMENTS[kind][2], number, day, customer, contract, (start, end), amount,
                    bool(autosend))))
    lines.sort(key=lambda line: line[0])
    return [line for _, line in lines]


def documents_issued(session, day, issued):
    """After the nightly auto-issue: ONE summary per manager of every document issued on their
    contracts, and per customer (and executor) one email with its documents as PDF attachments,
    for contracts with autosend on. The key names the set of documents, so a set is announced
    once, however often the job runs. The customers' emails are written a batch of documents
    at a time (the session emptied after each), then each manager's summary from plain rows."""
    counts = {"summaries": 0, "to_customers": 0}
    for batch in pacing.paced(_batches(session, issued)):
        by_customer = defaultdict(list)
        for item in _loaded(session, batch):
            by_customer[(item.contract.customer_id, item.contract.executor_id)].append(item)
        for items in by_customer.values():
            counts["to_customers"] += _send_to_customer(session, day, items, f"documents:{_digest(i.ref for i in items)}")
        session.flush()  # e.g. the announced ids' deletion, before the session lets go of its objects
        session.expunge_all()
    for manager_id in _managers(session, issued):
        manager = session.get(User, manager_id)
        if recipients.staff(manager):
            items = _summary_lines(session, manager_id, issued)
            content = render(NotifyEvent.DOCUMENTS_ISSUED.value, manager=manager, documents=items, day=day)
            counts["summaries"] += put(session, NotifyEvent.DOCUMENTS_ISSUED, f"documents:{_digest(i.ref for i in items)}",
                                       recipients.staff(manager), day, content)
    return counts


def _send_to_customer(session, day, items, ref):
    """One email to a customer from one executor with the PDFs of `items`."""
    contract = items[0].contract
    content = _to_customer(NotifyEvent.DOCUMENTS_SENT.value, contract.executor, documents=items,
                           customer=contract.customer, day=day)
    content.attachments = [attachments.document(item.kind, item.doc.id) for item in items]
    return put(session, NotifyEvent.DOCUMENTS_SENT, ref, recipients.customer(contract.customer), day, content)


def resendable(document):
    """Refuse to send a document that was never issued or is cancelled, or whose customer has
    no address (the lists' «Отправить заказчику»)."""
    if not document.number or issuing.is_planned(document) or issuing.is_cancelled(document):
        raise DomainError(N_("Документ не выставлен или отменён"))
    if not recipients.customer(document.customer):
        raise DomainError(N_("У заказчика не указана почта"))


def documents_resent(session, day, documents):
    """Send invoices or acts again, chosen on a list: per customer and executor one email with
    their PDFs, as the nightly autosend writes it (an act with its VAT invoice); each press is a
    new message. Returns the number of messages queued."""
    by_customer = defaultdict(list)
    for doc in documents:
        kind = "act" if isinstance(doc, Act) else "invoice"
        by_customer[(doc.customer_id, doc.executor_id)].append(IssuedDocument(kind, doc, doc.contract))
        if kind == "act" and doc.vat_invoice is not None:
            by_customer[(doc.customer_id, doc.executor_id)].append(IssuedDocument("vat_invoice", doc.vat_invoice, doc.contract))
    return sum(
        _send_to_customer(session, day, items, _occurrence(f"resent:{_digest(i.ref for i in items)}"))
        for items in by_customer.values()
    )


def nightly_step(session, day, summary):
    """The nightly job's step: the day's reminders, and the documents the "issued" and "penalties"
    steps issued (a penalty invoice goes out like any invoice)."""
    issued = dict(summary.get("issued") or {})
    penalty_ids = (summary.get("penalties") or {}).get("invoice_ids") or []
    if penalty_ids:  # ascending, as the issued ids (where_in then copies neither)
        issued["invoice_ids"] = array("q", heapq.merge(issued.get("invoice_ids") or [], sorted(penalty_ids)))
    result = {"reminders": remind(session, day), "documents": documents_issued(session, day, issued)}
    session.commit()
    return result


# --- entry points of other features --------------------------------------------------------

def reconciliation_sent(session, act, data, today):
    """The reconciliation act (app.domain.reconciliation's result, `data` its PDF) emailed to the
    customer's recipients from the executor's robot, the PDF kept as sent; the same act sent
    twice on one day goes once."""
    to = recipients.customer(act.customer)
    if not to:
        raise DomainError(N_("У заказчика не указан адрес электронной почты для документов"))
    ref = attachments.stored_file(files_dir(), f"Акт сверки {act.start:%d.%m.%Y}–{act.end:%d.%m.%Y}.pdf", data)
    content = _to_customer(NotifyEvent.RECONCILIATION_SENT.value, act.executor, act=act, customer=act.customer)
    content.attachments = [ref]
    return put(session, NotifyEvent.RECONCILIATION_SENT, f"reconciliation:{ref['path'][:40]}", to, today, content)


def indexation_drafted(session, found, today):
    """The nightly job drafted a rent indexation (app.domain.indexation.described's result): tell
    the contract's manager, with the letter to the tenant attached, ready to send."""
    agreement, contract = found.agreement, found.agreement.contract
    content = render(NotifyEvent.INDEXATION_DRAFTED.value, agreement=agreement, contract=contract, customer=contract.customer,
                     old_rent=format_amount(found.old_rent), new_rent=format_amount(found.new_rent), basis=found.basis,
                     percent=format_amount(found.percent))
    content.attachments = [attachments.document("indexation_letter", agreement.id)]
    return put(session, NotifyEvent.INDEXATION_DRAFTED, f"agreement:{agreement.id}", recipients.staff(contract.manager),
               today, content)


def export_1c_made(session, today, address, filename, data, description):
    """The scheduled 1C export made a file: email it to the address of the 1C export settings.
    The same file sent twice on one day is sent once."""
    if not (address or "").strip():
        raise DomainError(N_("Не указан адрес электронной почты для выгрузки в 1С"))
    ref = attachments.stored_file(files_dir(), filename, data)
    content = render(NotifyEvent.EXPORT_1C.value, filename=filename, description=description, size=len(data), day=today)
    content.attachments = [ref]
    return put(session, NotifyEvent.EXPORT_1C, f"export:{ref['path'][:40]}", [address], today, content)


def site_inquiry(session, inquiry, today):
    """A visitor sent the public site's feedback form: tell the manager of the section (or of
    the building) and the public email of the settings; a reply goes to the visitor.
    `inquiry` has id, name, phone, email, message, building and section (either may be None)."""
    section, building = inquiry.section, inquiry.building or (inquiry.section.building if inquiry.section else None)
    manager = section.manager if section is not None and section.manager is not None else (building.manager if building else None)
    public = settings.current(session, current_app.config)["PUBLIC_EMAIL"]
    reply_to = (inquiry.email or "").strip() or None
    content = render(NotifyEvent.SITE_INQUIRY.value, footer=reply_footer("автор заявки") if reply_to else FOOTER,
                     inquiry=inquiry, building=building, section=section)
    content.reply_to = reply_to
    return put(session, NotifyEvent.SITE_INQUIRY, f"inquiry:{inquiry.id}", recipients.staff(manager) + [public], today, content)


# --- at once: staff and tariff changes (see hooks.py) --------------------------------------

def staff_created(session, user, roles, today):
    content = render(NotifyEvent.STAFF_CREATED.value, user=user, roles=roles)
    return put(session, NotifyEvent.STAFF_CREATED, _occurrence(f"user:{user.id}"), [user.email], today, content)


def staff_changed(session, user, changes, addresses, today):
    """`changes`: [(label, old, new)]; `addresses`: the person's email, and the previous one if it changed."""
    content = render(NotifyEvent.STAFF_CHANGED.value, user=user, changes=changes)
    return put(session, NotifyEvent.STAFF_CHANGED, _occurrence(f"user:{user.id}"), addresses, today, content)


def staff_deleted(session, user, today):
    content = render(NotifyEvent.STAFF_DELETED.value, user=user)
    return put(session, NotifyEvent.STAFF_DELETED, _occurrence(f"user:{user.id}"), [user.email], today, content)


def tariff_changed(session, account, changes, today):
    content = render(NotifyEvent.TARIFF_CHANGED.value, account=account, changes=changes)
    return put(session, NotifyEvent.TARIFF_CHANGED, _occurrence(f"account:{account.id}"), recipients.tariff_people(session),
               today, content)


def trial_message(day):
    """The settings page's test email (sent at once, not through the outbox)."""
    return render("test_email", day=day)
