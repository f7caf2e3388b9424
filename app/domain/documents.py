"""Invoices and acts outside the schedule's own planning: documents written or corrected by
hand (issued through app.domain.issuing, like the nightly job's), their lines, cancelling, and
signing acts."""
from decimal import Decimal

from sqlalchemy import select

from app.domain import issuing, schedule
from app.domain.enums import N_, ActStatus, document_subject
from app.domain.issuing import is_issued, take_parties_from_contract  # noqa: F401 — the documents' rules, named here too
from app.errors import DomainError, ValidationFailed
from app.models import Act, ActLine, InvoiceLine

ZERO = Decimal("0.00")


def _sync_lines(document):
    """A document without lines gets one for its whole amount; a single line follows the document."""
    line_model = ActLine if isinstance(document, Act) else InvoiceLine
    if not document.lines:
        name = f"{document_subject(document.kind)} за период с {document.period_start:%d.%m.%Y} по {document.period_end:%d.%m.%Y}"
        document.lines = [line_model(position=1, name=name)]
    if len(document.lines) == 1:
        line = document.lines[0]
        line.period_start, line.period_end = document.period_start, document.period_end
        line.amount, line.vat_amount = document.amount or ZERO, document.vat_amount or ZERO


def on_saved(session, document, today):
    """A document written or corrected by hand (form or REST): an issued one without a number
    gets the next one and, without a date, today's; a new planned one is a one-off charge
    (app.domain.schedule), issued on its planned date; its lines and VAT invoice follow it; then
    the contract's schedule is rebuilt around it (its days count as covered)."""
    planned = issuing.is_planned(document)
    if document.number and planned:
        raise DomainError(N_("Документ с номером не вернуть в план: отмените его, если он не нужен"))
    if planned and document.id is None:  # new: the schedule writes its own plans, never through here
        document.one_off = True
    if planned and document.one_off and document.planned_date is None:
        raise ValidationFailed({"planned_date": [N_("Укажите плановую дату: в этот день разовый документ будет выставлен")]})
    if is_issued(document):
        issuing.issue_document(session, document, today)  # locks, numbers, dates, its VAT invoice
    else:
        issuing.lock_contracts(session, [document.contract.id])  # as issuers do
        if isinstance(document, Act) and document.number:
            issuing.keep_vat_invoice(session, document)
    _sync_lines(document)
    session.add(document)
    schedule.rebuild(session, document.contract, today)


def cancel(session, document, today):
    """Cancel a document. A cancelled plan is not planned again; a cancelled issued document
    no longer covers its days, so the schedule plans them anew."""
    if issuing.is_cancelled(document):
        raise DomainError(N_("Документ уже отменён"))
    document.status = issuing.CANCELLED[issuing.doc_of(document)]
    if isinstance(document, Act) and document.vat_invoice is not None:
        issuing.keep_vat_invoice(session, document)
    schedule.rebuild(session, document.contract, today)


def sign(session, act):
    """The customer signed the act (on signing → signed)."""
    if act.status != ActStatus.ON_SIGNING.value:
        raise DomainError(N_("Подписать можно только акт на подписании"))
    act.status = ActStatus.SIGNED.value
    session.flush()


PLAN_KEPT = N_("Плановый документ не удаляют: отмените его, и график больше не запланирует этот период")


def is_schedule_plan(document):
    """A planned row of the schedule (not a one-off charge): deleting it would not last, the next
    rebuild plans it again, so it is cancelled instead."""
    return issuing.is_planned(document) and not document.one_off


def schedule_plan_ids(session, model, ids):
    """Those of `ids` (invoices or acts) that are schedule plans, in one query for a list page."""
    ids = list(ids)
    doc = next((doc for doc, document in issuing.MODELS.items() if document is model), None)
    if not ids or doc is None:
        return set()
    return set(session.scalars(select(model.id).where(model.id.in_(ids), issuing.planned(doc), ~model.one_off)))
