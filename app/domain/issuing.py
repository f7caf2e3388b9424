"""Issuing (SPEC §1.5): what counts as issued, the lock every issuer takes, document numbers
and dates, the VAT invoice beside an act, and writing issued documents — the schedule's
planned rows in bulk (`issue_due`, the nightly job; `issue_now`, the card's button) and any
single document of any kind (`issue_document`: written by hand, or a charge the schedule never
plans, such as a penalty or deposit invoice).

Planned rows are issued recomputed from the terms at that moment (app.domain.billing), except
one-off charges and documents of other kinds, which are issued as written. Numbers are taken
per executor and document, in date order, from the counter (app.domain.numbering).

Nothing here commits; issuers lock the contract rows first, so two issuers never issue the
same document, and the caller's transaction holds the document counters until it commits.
"""
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Optional

from sqlalchemy import and_, delete, insert, or_, select, union, update
from sqlalchemy.orm import joinedload, selectinload

from app import bulk
from app.domain import billing, numbering
from app.domain.billing import ACT, DEPOSIT, INVOICE, LINE_MODELS, MODELS, RENT, Coverage, Draft, doc_of
from app.domain.contracts import rent_changes
from app.domain.enums import ACTIVE_CONTRACT, N_, ActStatus, InvoiceStatus, VatInvoiceStatus
from app.errors import DomainError
from app.models import Agreement, Contract, VatInvoice
from app.timeutil import utcnow

PLANNED = {INVOICE: InvoiceStatus.PLANNED.value, ACT: ActStatus.PLANNED.value}
ISSUED = {INVOICE: InvoiceStatus.ISSUED.value, ACT: ActStatus.ON_SIGNING.value}  # the status a document is issued in
CANCELLED = {INVOICE: InvoiceStatus.CANCELLED.value, ACT: ActStatus.CANCELLED.value}
# Issued and in force: an invoice issued, an act on signing or signed.
IN_FORCE = {INVOICE: (InvoiceStatus.ISSUED.value,), ACT: (ActStatus.ON_SIGNING.value, ActStatus.SIGNED.value)}


# --- what counts as issued ---------------------------------------------------------------

def is_planned(document):
    return document.status == PLANNED[doc_of(document)]


def is_cancelled(document):
    return document.status == CANCELLED[doc_of(document)]


def is_issued(document):
    """Issued and in force: an invoice `issued`, an act on signing or signed."""
    return document.status in IN_FORCE[doc_of(document)]


def planned(doc):
    """SQL: the invoices (acts) still planned."""
    return MODELS[doc].status == PLANNED[doc]


def in_force(doc):
    """SQL: the invoices (acts) issued and in force (`is_issued`)."""
    return MODELS[doc].status.in_(IN_FORCE[doc])


def covering(doc):
    """SQL: the documents whose days the schedule counts as billed — issued ones in force, plans
    a user cancelled (so they are not planned again) and one-off plans (a cancelled issued
    document covers nothing)."""
    model = MODELS[doc]
    skipped_plan = (model.status == CANCELLED[doc]) & model.number.is_(None) & ~model.one_off
    return or_(in_force(doc), skipped_plan, and_(planned(doc), model.one_off))


# --- the VAT invoice beside its act ------------------------------------------------------

def gets_vat_invoice(doc, executor):
    """An act gets its VAT invoice when its executor has them enabled; an invoice never does."""
    return doc == ACT and bool(executor.vat_invoices_enabled)


def vat_invoice_values(act_id, executor_id, customer_id, number, day, amount, vat_amount, now):
    """The row of an act's VAT invoice: the act's parties, number, date and sums."""
    return dict(
        act_id=act_id, executor_id=executor_id, customer_id=customer_id, number=number, date=day,
        amount=amount, vat_amount=vat_amount, status=VatInvoiceStatus.ISSUED.value, created_at=now, updated_at=now,
    )


def keep_vat_invoice(session, act):
    """An issued act of an executor with VAT invoices on has one, with the act's number, date and
    sums; a cancelled act's VAT invoice is cancelled with it."""
    vat_invoice = act.vat_invoice
    if vat_invoice is None:
        if not is_issued(act) or not gets_vat_invoice(ACT, act.executor):
            return
        vat_invoice = VatInvoice(act=act)
        session.add(vat_invoice)
    vat_invoice.executor_id, vat_invoice.customer_id = act.executor_id, act.customer_id
    vat_invoice.number, vat_invoice.date = act.number, act.date
    vat_invoice.amount, vat_invoice.vat_amount = act.amount, act.vat_amount
    vat_invoice.status = VatInvoiceStatus.CANCELLED.value if is_cancelled(act) else VatInvoiceStatus.ISSUED.value


# --- numbers -----------------------------------------------------------------------------

def numbered(session, items):
    """(number, item) for items [(executor_id, doc, order, item)]: numbers taken in bulk per
    executor and document, given in `order` (the issue date first)."""
    groups = defaultdict(list)
    for executor_id, doc, order, item in items:
        groups[(executor_id, doc)].append((order, item))
    for (executor_id, doc), group in sorted(groups.items()):
        group.sort(key=lambda entry: entry[0])
        yield from zip(numbering.take(session, executor_id, doc, len(group)), (item for _, item in group))


def take_parties_from_contract(document):
    """A document's executor and customer are its contract's (kept on the row for numbering and matching)."""
    contract = document.contract
    if contract is not None:
        document.executor_id = contract.executor_id
        document.customer_id = contract.customer_id
        document.executor = contract.executor
        document.customer = contract.customer


@dataclass
class Issued:
    """What an issuer issued: the ids as lists, or as arrays in an accumulator (`compact`)."""
    invoice_ids: list = field(default_factory=list)
    act_ids: list = field(default_factory=list)
    vat_invoice_ids: list = field(default_factory=list)
    dropped: int = 0  # planned rows with nothing left to bill, removed
    failed: list = field(default_factory=list)  # [{"contract_id", "contract", "error"}]

    @classmethod
    def compact(cls):
        """An empty accumulator of many results (the nightly job's): its ids are arrays of 8-byte
        integers, not lists of Python ints (a night of 200,000 contracts issues 500,000 documents)."""
        return cls(array("q"), array("q"), array("q"))

    def add(self, other):
        self.invoice_ids.extend(other.invoice_ids)
        self.act_ids.extend(other.act_ids)
        self.vat_invoice_ids.extend(other.vat_invoice_ids)
        self.dropped += other.dropped
        self.failed += other.failed
        return self

    def as_dict(self):
        return {
            "invoices": len(self.invoice_ids), "acts": len(self.act_ids), "vat_invoices": len(self.vat_invoice_ids),
            "invoice_ids": self.invoice_ids, "act_ids": self.act_ids, "vat_invoice_ids": self.vat_invoice_ids,
            "dropped": self.dropped, "failed": self.failed,
        }


# --- reading and locking -----------------------------------------------------------------

def _chunks(ids, size=1000):
    ids = list(ids)
    for n in range(0, len(ids), size):
        yield ids[n:n + size]


def coverage(session, contract_ids):
    """{contract_id: Coverage} from the contracts' issued (and deliberately skipped) documents."""
    result = defaultdict(Coverage)
    for chunk in _chunks(contract_ids):
        for doc, model in MODELS.items():
            rows = session.execute(
                select(model.contract_id, model.kind, model.period_start, model.period_end)
                .where(bulk.any_of(session, model.contract_id, chunk), model.kind.in_([RENT, DEPOSIT]), covering(doc))
            )
            for contract_id, kind, start, end in rows:
                if kind == DEPOSIT:
                    result[contract_id].deposit = True
                else:
                    result[contract_id].ranges[doc].append((start, end))
    return result


def lock_contracts(session, contract_ids, skip_locked=False, active_only=False):
    """Lock the contracts' rows for this transaction (PostgreSQL; SQLite serialises writers
    anyway) and return the ids locked. `skip_locked` leaves out those another issuer holds."""
    locked = []
    for chunk in _chunks(sorted(contract_ids)):
        query = select(Contract.id).where(bulk.any_of(session, Contract.id, chunk)).order_by(Contract.id)
        if active_only:
            query = query.where(Contract.status.in_(ACTIVE_CONTRACT))
        locked += session.scalars(query.with_for_update(skip_locked=skip_locked)).all()
    return locked


def load_contracts(session, contract_ids):
    """{id: contract} with the terms billing reads (rooms, services, agreements) in a few statements."""
    contracts = {}
    for chunk in _chunks(contract_ids):
        query = select(Contract).where(bulk.any_of(session, Contract.id, chunk)).options(
            selectinload(Contract.rooms), selectinload(Contract.services),
            selectinload(Contract.agreements).selectinload(Agreement.rooms), joinedload(Contract.executor),
        )
        contracts.update((c.id, c) for c in session.scalars(query).unique())
    return contracts


@dataclass(frozen=True)
class _Row:
    doc: str
    id: int
    contract_id: int
    kind: str
    period_start: date
    period_end: date
    planned_date: Optional[date]
    amount: Decimal
    vat_amount: Decimal
    one_off: bool


def _planned_rows(session, contract_ids, due_on=None, ids=None):
    rows = []
    for doc, model in MODELS.items():
        for chunk in _chunks(contract_ids):
            query = select(
                model.id, model.contract_id, model.kind, model.period_start, model.period_end, model.planned_date,
                model.amount, model.vat_amount, model.one_off,
            ).where(bulk.any_of(session, model.contract_id, chunk), model.status == PLANNED[doc])
            if due_on is not None:
                query = query.where(model.planned_date <= due_on)
            if ids is not None:
                query = query.where(bulk.any_of(session, model.id, ids.get(doc, [])))
            rows += [_Row(doc, *values) for values in session.execute(query)]
    return rows


def due_contract_ids(session, on):
    """Active contracts with a planned document dated `on` or earlier, in id order."""
    queries = [
        select(model.contract_id).join(Contract, Contract.id == model.contract_id)
        .where(model.status == PLANNED[doc], model.planned_date <= on, Contract.status.in_(ACTIVE_CONTRACT))
        for doc, model in MODELS.items()
    ]
    return sorted(session.scalars(union(*queries)))



# --- issuing -----------------------------------------------------------------------------

def _draft_for_row(contract, row, covered, changes):
    """What issuing a planned row bills now (None: nothing is left to bill)."""
    if row.one_off or row.kind not in (RENT, DEPOSIT):
        return Draft(row.doc, row.kind, row.period_start, row.period_end, row.planned_date, lines=None)  # issued as written
    if row.kind == DEPOSIT:
        if covered.deposit:
            return None
        return billing.deposit_draft(contract)
    period = billing.period_of(contract, row.period_start)
    return None if period is None else billing.rent_draft(contract, period, row.doc, covered, changes)


def _issue(session, rows, today):
    """Issue planned rows of contracts the caller has locked."""
    result = Issued()
    by_contract = defaultdict(list)
    for row in rows:
        by_contract[row.contract_id].append(row)
    contracts = load_contracts(session, by_contract)
    covered = coverage(session, by_contract)
    ready, dropped = [], []
    for contract_id, contract_rows in by_contract.items():
        contract = contracts[contract_id]
        try:
            changes, mine = rent_changes(contract), []
            for row in sorted(contract_rows, key=lambda r: (r.planned_date or today, r.doc, r.id)):
                draft = _draft_for_row(contract, row, covered[contract_id], changes)
                if draft is None:
                    dropped.append(row)
                    continue
                mine.append((row, draft, contract))
                if draft.kind == DEPOSIT:
                    covered[contract_id].deposit = True
                elif draft.kind == RENT:
                    covered[contract_id].ranges[row.doc].append((draft.period_start, draft.period_end))
        except Exception as error:  # one contract's bad data must not stop the others: it is reported
            result.failed.append({"contract_id": contract_id, "contract": contract.number, "error": str(error) or repr(error)})
            continue
        ready += mine
    _write(session, ready, today, result)
    for doc, model in MODELS.items():
        ids = [row.id for row in dropped if row.doc == doc]
        for chunk in _chunks(ids):
            session.execute(delete(model).where(bulk.any_of(session, model.id, chunk), model.status == PLANNED[doc]))
    result.dropped = len(dropped)
    session.expire_all()
    return result


def _write(session, ready, today, result):
    """Number the documents (per executor and kind, in date order) and write them in bulk."""
    items = []
    for row, draft, contract in ready:
        issued_on = min(draft.planned_date or today, today)
        items.append((contract.executor_id, row.doc, (issued_on, contract.id, row.id), (issued_on, row, draft, contract)))
    updates, lines, vat_invoices = {INVOICE: [], ACT: []}, {INVOICE: [], ACT: []}, []
    now = utcnow()
    for number, (issued_on, row, draft, contract) in numbered(session, items):
        doc = row.doc
        values = dict(id=row.id, status=ISSUED[doc], number=number, date=issued_on, updated_at=now)
        if draft.lines is not None:
            values.update(period_start=draft.period_start, period_end=draft.period_end,
                          amount=draft.amount, vat_amount=draft.vat_amount)
            line_model, parent = LINE_MODELS[doc]
            lines[doc] += [dict(vars(line), position=n, **{parent: row.id}) for n, line in enumerate(draft.lines, 1)]
        if doc == INVOICE:
            values["due_date"] = billing.due_date(contract, issued_on)
            result.invoice_ids.append(row.id)
        else:
            result.act_ids.append(row.id)
        if gets_vat_invoice(doc, contract.executor):
            vat_invoices.append(vat_invoice_values(
                row.id, contract.executor_id, contract.customer_id, number, issued_on,
                values.get("amount", row.amount), values.get("vat_amount", row.vat_amount), now,
            ))
        updates[doc].append(values)
    for doc, model in MODELS.items():
        if updates[doc]:
            session.execute(update(model), updates[doc])
        line_model, parent = LINE_MODELS[doc]
        for chunk in _chunks([row["id"] for row in updates[doc] if "amount" in row]):
            session.execute(delete(line_model).where(bulk.any_of(session, getattr(line_model, parent), chunk)))
        if lines[doc]:
            session.execute(insert(line_model), lines[doc])
    if vat_invoices:
        result.vat_invoice_ids += session.scalars(insert(VatInvoice).returning(VatInvoice.id), vat_invoices).all()
    bulk.announce(session, INVOICE, result.invoice_ids)  # issued without a flush: the outgoing webhooks are told
    bulk.announce(session, ACT, result.act_ids)
    bulk.announce(session, "vat_invoice", result.vat_invoice_ids)  # counted by the audit log's batch entry


def issue_due(session, contract_ids, on):
    """Issue every planned document dated `on` or earlier of the given contracts — those that
    are active and not being issued by someone else right now (their rows are locked)."""
    locked = lock_contracts(session, contract_ids, skip_locked=True, active_only=True)
    return _issue(session, _planned_rows(session, locked, due_on=on), on)


def issue_now(session, document, today):
    """Issue one planned document now, whatever its planned date (the card's button).
    Returns the Issued result (empty when the period turned out to be covered already)."""
    doc = doc_of(document)
    if not lock_contracts(session, [document.contract_id], active_only=True):
        raise DomainError(N_("Договор не действует: выставлять документы по нему нельзя"))
    rows = _planned_rows(session, [document.contract_id], ids={doc: [document.id]})
    if not rows:
        raise DomainError(N_("Документ уже выставлен или отменён"))
    result = _issue(session, rows, today)
    if result.failed:
        raise DomainError(result.failed[0]["error"])
    return result


def issue_document(session, document, today):
    """Issue one document of any kind, written outside the schedule (by hand or by REST, or a
    charge of a kind the schedule never plans): its contract locked first, as every issuer does;
    a planned one becomes issued; without a number it takes its executor's next one, without a
    date today's; an act gets its VAT invoice by the same rule as the nightly job's acts.
    Its lines are its own (app.domain.documents keeps a single line in step)."""
    doc = doc_of(document)
    if document.executor_id is None:
        take_parties_from_contract(document)
    contract = document.contract
    if contract is not None:
        lock_contracts(session, [contract.id])  # before the counter, as issuers do
    if is_planned(document):
        document.status = ISSUED[doc]
    if not document.number:
        executor_id = contract.executor_id if contract is not None else document.executor_id
        [(document.number, _)] = numbered(session, [(executor_id, doc, None, document)])
    if document.date is None:
        document.date = today
    if doc == ACT:
        keep_vat_invoice(session, document)
    session.add(document)
    return document
