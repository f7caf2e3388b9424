"""The billing schedule (SPEC §1.4–1.5): planned invoices and acts, their rebuild, and the
schedule a contract's card shows.

Issued documents belong to the schedule by contract and period only: amounts and dates are
never compared. Days are covered by the contract's rent documents that are issued, and by
planned ones a user cancelled (so a cancelled plan is not planned again); a cancelled issued
document covers nothing (app.domain.issuing.covering).

A planned document written by hand is a one-off charge (`one_off`): rebuilds leave it alone and
issuers issue it as written, on its planned date, numbered with the schedule's own. One of kind
rent covers its days (it replaces the schedule's rent for them, as an issued hand-written rent
document does), one of kind deposit is the deposit; any other kind is an extra and covers nothing.
A cancelled one-off plan covers nothing either: the schedule bills those days again.

Planned documents are real rows (status `planned`). `rebuild()` brings them in line with the
terms (app.domain.billing) after any change of a contract, an agreement or a document,
touching only planned rows. Issuing them is app.domain.issuing (`issue_due`, `issue_now`,
re-exported here). Nothing here commits.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import bulk
from app.domain.billing import (  # noqa: F401 — the schedule's vocabulary, imported from here by its callers
    ACT,
    DEPOSIT,
    INVOICE,
    LINE_MODELS,
    MODELS,
    RENT,
    ZERO,
    Draft,
    Line,
    Period,
    doc_of,
    due_date,
    invoice_date,
    lines_for,
    period_key,
    period_of,
    periods,
    plan,
)
from app.domain.contracts import is_active
from app.domain.enums import ACTIVE_CONTRACT
from app.domain.issuing import (  # noqa: F401 — issuing the schedule's plans, callable as schedule.issue_*
    CANCELLED,
    ISSUED,
    PLANNED,
    Issued,
    coverage,
    due_contract_ids,
    issue_due,
    issue_now,
    load_contracts,
    lock_contracts,
    planned,
)
from app.models import Act, Contract
from app.timeutil import utcnow


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
            select(model).where(model.contract_id == contract_id, planned(doc), ~model.one_off).order_by(model.id)
        )
    ]


def _draft_values(contract, draft):
    """The columns of a planned document that the draft decides."""
    values = dict(executor_id=contract.executor_id, customer_id=contract.customer_id, period_start=draft.period_start,
                  period_end=draft.period_end, planned_date=draft.planned_date, amount=draft.amount, vat_amount=draft.vat_amount)
    if draft.doc == INVOICE:
        values["due_date"] = due_date(contract, draft.planned_date)
    return values


def _line_values(draft):
    return [dict(vars(line), position=n) for n, line in enumerate(draft.lines, 1)]


def _apply_draft(document, contract, draft):
    for key, value in _draft_values(contract, draft).items():
        setattr(document, key, value)
    if [line.values() for line in draft.lines] != [
        (line.name, line.period_start, line.period_end, line.amount, line.vat_amount) for line in document.lines
    ]:
        line_model = LINE_MODELS[draft.doc][0]
        document.lines = [line_model(**values) for values in _line_values(draft)]


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
        _add_planned(session, contract, draft)
        counts["created"] += 1
    counts["planned"] = len(drafts)
    session.flush()
    return counts


def _add_planned(session, contract, draft):
    document = MODELS[draft.doc](contract_id=contract.id, kind=draft.kind, status=PLANNED[draft.doc])
    _apply_draft(document, contract, draft)
    session.add(document)


def plan_new(session, contracts, today):
    """The schedules of contracts created in this transaction — no documents yet, so nothing
    issued to cover nor planned to update: the rows `rebuild` would plan, for all of them with
    their terms read back in bulk and written past the ORM (an import of thousands: not a flush
    and five queries per contract, nor one flush of every document and line). Returns the number
    of planned documents."""
    session.flush()
    for contract in contracts:  # the terms as stored (rounded by their columns), as rebuild reads them
        session.expire(contract, ["rooms", "services", "agreements"])
    load_contracts(session, [contract.id for contract in contracts])
    drafts = [(contract, draft) for contract in contracts if is_active(contract.status) for draft in plan(contract, today)]
    _insert_planned(session, drafts)
    return len(drafts)


def _insert_planned(session, drafts):
    """Insert the planned rows of [(contract, draft)] with their lines, as `_add_planned` would
    (every column the ORM would fill, its defaults included), with reserved ids and one bulk
    insert per table. The schedule's plans get no audit entries (`models.document.schedule_plan`)
    and no webhook event, so nothing is announced."""
    now = utcnow()
    for doc, model in MODELS.items():
        line_model, parent = LINE_MODELS[doc]
        mine = [(contract, draft) for contract, draft in drafts if draft.doc == doc]
        documents, lines = [], []
        for document_id, (contract, draft) in zip(bulk.reserve_ids(session, model.__table__, len(mine)), mine):
            row = dict(_draft_values(contract, draft), id=document_id, contract_id=contract.id, kind=draft.kind,
                       status=PLANNED[doc], one_off=False, created_at=now, updated_at=now)
            if doc == INVOICE:
                row["paid_amount"] = ZERO
            documents.append(row)
            lines += [dict(values, **{parent: document_id}) for values in _line_values(draft)]
        for line_id, line in zip(bulk.reserve_ids(session, line_model.__table__, len(lines)), lines):
            line["id"] = line_id
        bulk.insert_rows(session, model.__table__, documents)
        bulk.insert_rows(session, line_model.__table__, lines)
