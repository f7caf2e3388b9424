"""The billing schedule (SPEC §1.4–1.5): planned invoices and acts, their rebuild, and issuing.

For every billing period of an active contract (calendar months, or monthly periods counted
from the start date) the schedule wants one invoice and one act for the days of the period
that no issued document covers. Issued documents belong to the schedule by contract and
period only: amounts and dates are never compared. Days are covered by the contract's rent
documents that are issued, and by planned ones a user cancelled (so a cancelled plan is not
planned again); a cancelled issued document covers nothing.

A planned document written by hand is a one-off charge (`one_off`): rebuilds leave it alone and
issuers issue it as written, on its planned date, numbered with the schedule's own. One of kind
rent covers its days (it replaces the schedule's rent for them, as an issued hand-written rent
document does), one of kind deposit is the deposit; any other kind is an extra and covers nothing.
A cancelled one-off plan covers nothing either: the schedule bills those days again.

Planned documents are real rows (status `planned`). `rebuild()` brings them in line with the
terms after any change of a contract, an agreement or a document, touching only planned
rows. `issue_due()` (the nightly job) and `issue_now()` (the card's button) turn planned rows
into issued documents, recomputed from the terms at that moment, numbered in bulk, with a VAT
invoice beside each act when the executor has them on.

Nothing here commits; issuers lock the contract rows first, so two issuers never issue the
same document, and the caller's transaction holds the document counters until it commits.
"""
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

from sqlalchemy import and_, delete, insert, or_, select, union, update
from sqlalchemy.orm import joinedload, selectinload

from app.domain import numbering
from app.domain.contracts import end_in_force, is_active, rent_changes
from app.domain.enums import (
    ACTIVE_CONTRACT,
    N_,
    ActStatus,
    BillingPeriod,
    DocumentKind,
    InvoicedPeriod,
    InvoiceStatus,
    VatInvoiceStatus,
    VatMode,
)
from app.domain.proration import ONE_DAY, add_months, days, prorate, split, uncovered
from app.domain.vat import with_vat
from app.errors import DomainError
from app.models import Act, ActLine, Agreement, Contract, Invoice, InvoiceLine, VatInvoice
from app.timeutil import utcnow

INVOICE, ACT = numbering.INVOICE, numbering.ACT
MODELS = {INVOICE: Invoice, ACT: Act}
LINE_MODELS = {INVOICE: (InvoiceLine, "invoice_id"), ACT: (ActLine, "act_id")}
PLANNED = {INVOICE: InvoiceStatus.PLANNED.value, ACT: ActStatus.PLANNED.value}
ISSUED = {INVOICE: InvoiceStatus.ISSUED.value, ACT: ActStatus.ON_SIGNING.value}
CANCELLED = {INVOICE: InvoiceStatus.CANCELLED.value, ACT: ActStatus.CANCELLED.value}
RENT, DEPOSIT = DocumentKind.RENT.value, DocumentKind.DEPOSIT.value
FROM_START = BillingPeriod.FROM_START.value
INVOICE_MONTH_SHIFT = {InvoicedPeriod.NEXT.value: -1, InvoicedPeriod.CURRENT.value: 0, InvoicedPeriod.PREVIOUS.value: 1}
HORIZON_MONTHS = 12  # open-ended contracts are planned this far ahead of today
ZERO = Decimal("0.00")
MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]


@dataclass(frozen=True)
class Period:
    """A billing period: `start`..`end` are the days of the term in it, `full_start`..`full_end`
    the whole period, whose length is the denominator of proration."""

    start: date
    end: date
    full_start: date
    full_end: date

    @property
    def length(self):
        return days(self.full_start, self.full_end)


@dataclass
class Line:
    name: str
    period_start: date
    period_end: date
    amount: Decimal
    vat_amount: Decimal

    def values(self):
        return (self.name, self.period_start, self.period_end, self.amount, self.vat_amount)


@dataclass
class Draft:
    """A document the schedule wants: to plan, or to issue now."""

    doc: str  # INVOICE or ACT
    kind: str
    period_start: date
    period_end: date
    planned_date: date
    lines: list
    period_key: Optional[date] = None  # the billing period's full_start (None for a deposit)

    @property
    def amount(self):
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def vat_amount(self):
        return sum((line.vat_amount for line in self.lines), ZERO)


@dataclass
class Coverage:
    """What a contract's issued documents already bill: day ranges per document, and the deposit."""

    ranges: dict = field(default_factory=lambda: {INVOICE: [], ACT: []})
    deposit: bool = False


@dataclass
class Issued:
    invoice_ids: list = field(default_factory=list)
    act_ids: list = field(default_factory=list)
    vat_invoice_ids: list = field(default_factory=list)
    dropped: int = 0  # planned rows with nothing left to bill, removed
    failed: list = field(default_factory=list)  # [{"contract_id", "contract", "error"}]

    def add(self, other):
        self.invoice_ids += other.invoice_ids
        self.act_ids += other.act_ids
        self.vat_invoice_ids += other.vat_invoice_ids
        self.dropped += other.dropped
        self.failed += other.failed
        return self

    def as_dict(self):
        return {
            "invoices": len(self.invoice_ids), "acts": len(self.act_ids), "vat_invoices": len(self.vat_invoice_ids),
            "invoice_ids": self.invoice_ids, "act_ids": self.act_ids, "vat_invoice_ids": self.vat_invoice_ids,
            "dropped": self.dropped, "failed": self.failed,
        }


# --- periods and dates -------------------------------------------------------------------

def _full_period(contract, k):
    """The k-th billing period of the contract, whole (k = 0 holds the start date)."""
    if contract.billing_period == FROM_START:
        return add_months(contract.start_date, k), add_months(contract.start_date, k + 1) - ONE_DAY
    first = add_months(contract.start_date.replace(day=1), k)
    return first, add_months(first, 1) - ONE_DAY


def _in_term(contract, k, end):
    """The k-th period cut to the term (None when the term has no day in it)."""
    full_start, full_end = _full_period(contract, k)
    start, stop = max(full_start, contract.start_date), full_end if end is None else min(full_end, end)
    return Period(start, stop, full_start, full_end) if start <= stop else None


def periods(contract, today):
    """The contract's billing periods over its term (open-ended: those starting within
    HORIZON_MONTHS of today)."""
    end = end_in_force(contract)
    last_start = end if end is not None else add_months(today, HORIZON_MONTHS)
    result, k = [], 0
    while _full_period(contract, k)[0] <= last_start:
        period = _in_term(contract, k, end)
        if period is not None:
            result.append(period)
        k += 1
    return result


def first_period(contract):
    return _in_term(contract, 0, end_in_force(contract))


def _index(contract, day):
    """Which billing period (k) holds `day`, the term not considered."""
    k = (day.year - contract.start_date.year) * 12 + day.month - contract.start_date.month
    while _full_period(contract, k)[0] > day:
        k -= 1
    while _full_period(contract, k)[1] < day:
        k += 1
    return k


def period_key(contract, day):
    """The full_start of the billing period that holds `day`: documents link to it."""
    return _full_period(contract, _index(contract, day))[0]


def period_of(contract, day):
    """The billing period holding `day`, or None when the day is outside the term."""
    period = _in_term(contract, _index(contract, day), end_in_force(contract))
    return period if period is not None and period.start <= day <= period.end else None


def _day_of(month_first, day):
    return month_first.replace(day=min(day, monthrange(month_first.year, month_first.month)[1]))


def invoice_date(contract, period):
    """The invoice for a period is planned on the invoice day of the month before it (next),
    of its own month (current) or of the month after it (previous), not before the contract's date."""
    month = add_months(period.full_start.replace(day=1), INVOICE_MONTH_SHIFT.get(contract.invoiced_period, 0))
    planned = _day_of(month, contract.invoice_day or 1)
    return planned if contract.date is None else max(planned, contract.date)  # never before the contract


def due_date(contract, issued_on):
    """Payment day of the month (the first one on or after the invoice), else the payment term in days."""
    if contract.payment_day:
        due = _day_of(issued_on.replace(day=1), contract.payment_day)
        return due if due >= issued_on else _day_of(add_months(issued_on.replace(day=1), 1), contract.payment_day)
    if contract.payment_term_days is not None:
        return issued_on + timedelta(days=contract.payment_term_days)
    return None


# --- amounts -----------------------------------------------------------------------------

def _label(contract, period, first, last):
    if contract.billing_period != FROM_START and (first, last) == (period.full_start, period.full_end):
        return f"за {MONTHS[first.month - 1]} {first.year} г."
    return f"за период с {first:%d.%m.%Y} по {last:%d.%m.%Y}"


def _line(contract, name, first, last, net, vat_mode=None):
    total, vat = with_vat(net, vat_mode or contract.vat_mode, contract.vat_rate)
    return Line(name, first, last, total, vat)


def lines_for(contract, period, first, last, changes=None):
    """The lines billing days first..last of a period: rent by the rent in force on each day
    (one line per rent), then each extra service, each prorated and with VAT by the terms."""
    changes = changes if changes is not None else rent_changes(contract)
    lines = [
        _line(contract, f"Арендная плата {_label(contract, period, a, b)}", a, b, prorate(rent, days(a, b), period.length))
        for a, b, rent in split(first, last, changes)
    ]
    label = _label(contract, period, first, last)
    for service in contract.services:
        net = prorate(service.monthly_amount, days(first, last), period.length)
        lines.append(_line(contract, f"{service.name} {label}", first, last, net))
    return [line for line in lines if line.amount]


def _rent_draft(contract, period, doc, covered, changes):
    gaps = uncovered(period.start, period.end, covered.ranges[doc])
    lines = [line for first, last in gaps for line in lines_for(contract, period, first, last, changes)]
    if not lines:
        return None
    planned = invoice_date(contract, period) if doc == INVOICE else period.end
    return Draft(doc, RENT, gaps[0][0], gaps[-1][1], planned, lines, period.full_start)


def _deposit_draft(contract):
    """A deposit is invoiced once, with the first rent invoice and no later than the start."""
    if not contract.deposit or contract.deposit <= 0:
        return None
    first = first_period(contract)
    planned = contract.start_date if first is None else min(invoice_date(contract, first), contract.start_date)
    name = f"Обеспечительный платёж по договору № {contract.number} от {contract.date:%d.%m.%Y}"
    line = _line(contract, name, contract.start_date, contract.start_date, contract.deposit, VatMode.NONE.value)
    return Draft(INVOICE, DEPOSIT, contract.start_date, contract.start_date, planned, [line])


def plan(contract, today, covered=None):
    """Every document the schedule wants for the contract, given what is already covered."""
    covered = covered or Coverage()
    changes = rent_changes(contract)
    drafts = [_deposit_draft(contract)] if not covered.deposit else []
    drafts += [_rent_draft(contract, period, doc, covered, changes) for period in periods(contract, today) for doc in (INVOICE, ACT)]
    return [draft for draft in drafts if draft is not None]


# --- reading and locking -----------------------------------------------------------------

def _covering(doc):
    model = MODELS[doc]
    skipped_plan = model.number.is_(None) & ~model.one_off
    return or_(
        and_(model.status != PLANNED[doc], or_(model.status != CANCELLED[doc], skipped_plan)),
        and_(model.status == PLANNED[doc], model.one_off),
    )


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
                .where(model.contract_id.in_(chunk), model.kind.in_([RENT, DEPOSIT]), _covering(doc))
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
        query = select(Contract.id).where(Contract.id.in_(chunk)).order_by(Contract.id)
        if active_only:
            query = query.where(Contract.status.in_(ACTIVE_CONTRACT))
        locked += session.scalars(query.with_for_update(skip_locked=skip_locked)).all()
    return locked


def _load_contracts(session, contract_ids):
    contracts = {}
    for chunk in _chunks(contract_ids):
        query = select(Contract).where(Contract.id.in_(chunk)).options(
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
            ).where(model.contract_id.in_(chunk), model.status == PLANNED[doc])
            if due_on is not None:
                query = query.where(model.planned_date <= due_on)
            if ids is not None:
                query = query.where(model.id.in_(ids.get(doc, [])))
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


def open_ended_contract_ids(session):
    """Active contracts without an end date: their schedule rolls forward day by day."""
    return sorted(session.scalars(select(Contract.id).where(Contract.status.in_(ACTIVE_CONTRACT), Contract.end_date.is_(None))))


def overview(session, contract, today):
    """The contract's schedule as its card shows it: [(period, invoices, acts)] in period
    order (an active contract's every period, and any period its documents belong to), and
    the documents of no period (the deposit, other charges, days outside the term)."""
    rows = {p.full_start: (p, [], []) for p in periods(contract, today)} if is_active(contract.status) else {}
    others = []
    for position, (doc, model) in enumerate(MODELS.items(), 1):
        query = select(model).where(model.contract_id == contract.id).order_by(model.period_start, model.id)
        for document in session.scalars(query.options(selectinload(Act.vat_invoice)) if model is Act else query):
            if document.kind == RENT:
                key = period_key(contract, document.period_start)
                if key not in rows and (period := period_of(contract, document.period_start)) is not None:
                    rows[key] = (period, [], [])
                if key in rows:
                    rows[key][position].append(document)
                    continue
            others.append(document)
    return [rows[key] for key in sorted(rows)], others


# --- rebuild -----------------------------------------------------------------------------

def _planned_documents(session, contract_id):
    """The schedule's own planned rows (one-off charges are not the schedule's to change)."""
    return [
        document
        for doc, model in MODELS.items()
        for document in session.scalars(
            select(model).where(model.contract_id == contract_id, model.status == PLANNED[doc], ~model.one_off).order_by(model.id)
        )
    ]


def doc_of(document):
    """INVOICE or ACT: which kind of document (for numbering and statuses) an invoice or act is."""
    return INVOICE if isinstance(document, Invoice) else ACT


def _apply_draft(document, contract, draft):
    document.executor_id, document.customer_id = contract.executor_id, contract.customer_id
    document.period_start, document.period_end = draft.period_start, draft.period_end
    document.planned_date = draft.planned_date
    document.amount, document.vat_amount = draft.amount, draft.vat_amount
    if isinstance(document, Invoice):
        document.due_date = due_date(contract, draft.planned_date)
    if [line.values() for line in draft.lines] != [
        (line.name, line.period_start, line.period_end, line.amount, line.vat_amount) for line in document.lines
    ]:
        line_model = LINE_MODELS[draft.doc][0]
        document.lines = [line_model(position=n, **vars(line)) for n, line in enumerate(draft.lines, 1)]


def rebuild(session, contract, today):
    """Re-plan the contract's not-yet-issued documents from its terms in force; issued
    documents are never touched. An inactive contract keeps no planned documents.
    Returns {"planned", "created", "updated", "removed"}."""
    session.flush()
    lock_contracts(session, [contract.id])
    session.expire(contract, ["rooms", "services", "agreements"])
    existing = _planned_documents(session, contract.id)
    counts = {"planned": 0, "created": 0, "updated": 0, "removed": 0}
    drafts = plan(contract, today, coverage(session, [contract.id])[contract.id]) if is_active(contract.status) else []
    wanted = {(draft.doc, draft.kind, draft.period_key): draft for draft in drafts}
    for document in existing:
        draft = None
        if document.kind == RENT:
            draft = wanted.pop((doc_of(document), document.kind, period_key(contract, document.period_start)), None)
        elif document.kind == DEPOSIT:
            draft = wanted.pop((doc_of(document), document.kind, None), None)
        elif is_active(contract.status):
            continue  # a planned "other" document was written by hand: the schedule leaves it
        if draft is None:
            session.delete(document)
            counts["removed"] += 1
        else:
            _apply_draft(document, contract, draft)
            counts["updated"] += 1
    for draft in wanted.values():
        model = MODELS[draft.doc]
        document = model(contract_id=contract.id, kind=draft.kind, status=PLANNED[draft.doc])
        _apply_draft(document, contract, draft)
        session.add(document)
        counts["created"] += 1
    counts["planned"] = len(drafts)
    session.flush()
    return counts


# --- issuing -----------------------------------------------------------------------------

def _draft_for_row(contract, row, covered, changes):
    """What issuing a planned row bills now (None: nothing is left to bill)."""
    if row.one_off or row.kind not in (RENT, DEPOSIT):
        return Draft(row.doc, row.kind, row.period_start, row.period_end, row.planned_date, lines=None)  # issued as written
    if row.kind == DEPOSIT:
        if covered.deposit:
            return None
        return _deposit_draft(contract)
    period = period_of(contract, row.period_start)
    return None if period is None else _rent_draft(contract, period, row.doc, covered, changes)


def _issue(session, rows, today):
    """Issue planned rows of contracts the caller has locked."""
    result = Issued()
    by_contract = defaultdict(list)
    for row in rows:
        by_contract[row.contract_id].append(row)
    contracts = _load_contracts(session, by_contract)
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
            session.execute(delete(model).where(model.id.in_(chunk), model.status == PLANNED[doc]))
    result.dropped = len(dropped)
    session.expire_all()
    return result


def _write(session, ready, today, result):
    """Number the documents (per executor and kind, in date order) and write them in bulk."""
    groups = defaultdict(list)
    for row, draft, contract in ready:
        issued_on = min(draft.planned_date or today, today)
        groups[(contract.executor_id, row.doc)].append((issued_on, contract.id, row, draft, contract))
    updates, lines, vat_invoices = {INVOICE: [], ACT: []}, {INVOICE: [], ACT: []}, []
    now = utcnow()
    for (executor_id, doc), group in sorted(groups.items()):
        group.sort(key=lambda item: item[:2] + (item[2].id,))
        for number, (issued_on, _, row, draft, contract) in zip(numbering.take(session, executor_id, doc, len(group)), group):
            values = dict(id=row.id, status=ISSUED[doc], number=number, date=issued_on, updated_at=now)
            if draft.lines is not None:
                values.update(period_start=draft.period_start, period_end=draft.period_end,
                              amount=draft.amount, vat_amount=draft.vat_amount)
                line_model, parent = LINE_MODELS[doc]
                lines[doc] += [dict(vars(line), position=n, **{parent: row.id}) for n, line in enumerate(draft.lines, 1)]
            if doc == INVOICE:
                values["due_date"] = due_date(contract, issued_on)
                result.invoice_ids.append(row.id)
            else:
                result.act_ids.append(row.id)
                if contract.executor.vat_invoices_enabled:
                    vat_invoices.append(dict(
                        act_id=row.id, executor_id=executor_id, customer_id=contract.customer_id, number=number, date=issued_on,
                        amount=values.get("amount", row.amount), vat_amount=values.get("vat_amount", row.vat_amount),
                        status=VatInvoiceStatus.ISSUED.value, created_at=now, updated_at=now,
                    ))
            updates[doc].append(values)
    for doc, model in MODELS.items():
        if updates[doc]:
            session.execute(update(model), updates[doc])
        line_model, parent = LINE_MODELS[doc]
        for chunk in _chunks([row["id"] for row in updates[doc] if "amount" in row]):
            session.execute(delete(line_model).where(getattr(line_model, parent).in_(chunk)))
        if lines[doc]:
            session.execute(insert(line_model), lines[doc])
    if vat_invoices:
        result.vat_invoice_ids += session.scalars(insert(VatInvoice).returning(VatInvoice.id), vat_invoices).all()


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
