"""Rules shared by invoices and acts outside the schedule's own planning: documents written
by hand, cancelling, signing acts, and the VAT invoice that follows its act."""
from decimal import Decimal

from app.domain import numbering, schedule
from app.domain.enums import N_, ActStatus, InvoiceStatus, VatInvoiceStatus, document_subject
from app.errors import DomainError, ValidationFailed
from app.models import Act, ActLine, InvoiceLine, VatInvoice

ZERO = Decimal("0.00")


def take_parties_from_contract(document):
    """A document's executor and customer are its contract's (kept on the row for numbering and matching)."""
    contract = document.contract
    if contract is not None:
        document.executor_id = contract.executor_id
        document.customer_id = contract.customer_id
        document.executor = contract.executor
        document.customer = contract.customer


def is_issued(document):
    """Issued and in force: an invoice `issued`, an act on signing or signed."""
    if isinstance(document, Act):
        return document.status in (ActStatus.ON_SIGNING.value, ActStatus.SIGNED.value)
    return document.status == InvoiceStatus.ISSUED.value


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


def _sync_vat_invoice(session, act):
    """An issued act of an executor with VAT invoices on has one, with the act's number, date and sums."""
    vat_invoice = act.vat_invoice
    if vat_invoice is None:
        if not is_issued(act) or not act.executor.vat_invoices_enabled:
            return
        vat_invoice = VatInvoice(act=act)
        session.add(vat_invoice)
    vat_invoice.executor_id, vat_invoice.customer_id = act.executor_id, act.customer_id
    vat_invoice.number, vat_invoice.date = act.number, act.date
    vat_invoice.amount, vat_invoice.vat_amount = act.amount, act.vat_amount
    vat_invoice.status = VatInvoiceStatus.CANCELLED.value if act.status == ActStatus.CANCELLED.value else VatInvoiceStatus.ISSUED.value


def on_saved(session, document, today):
    """A document written or corrected by hand (form or REST): an issued one without a number
    gets the next one and, without a date, today's; a new planned one is a one-off charge
    (app.domain.schedule), issued on its planned date; its lines and VAT invoice follow it; then
    the contract's schedule is rebuilt around it (its days count as covered)."""
    planned = document.status == schedule.PLANNED[schedule.doc_of(document)]
    if document.number and planned:
        raise DomainError(N_("Документ с номером не вернуть в план: отмените его, если он не нужен"))
    if planned and document.id is None:  # new: the schedule writes its own plans, never through here
        document.one_off = True
    if planned and document.one_off and document.planned_date is None:
        raise ValidationFailed({"planned_date": [N_("Укажите плановую дату: в этот день разовый документ будет выставлен")]})
    schedule.lock_contracts(session, [document.contract.id])  # before the counter, as issuers do
    if is_issued(document):
        if not document.number:
            document.number = numbering.next_number(session, document.contract.executor_id, schedule.doc_of(document))
        if document.date is None:
            document.date = today
    _sync_lines(document)
    if isinstance(document, Act) and document.number:
        _sync_vat_invoice(session, document)
    session.add(document)
    schedule.rebuild(session, document.contract, today)


def cancel(session, document, today):
    """Cancel a document. A cancelled plan is not planned again; a cancelled issued document
    no longer covers its days, so the schedule plans them anew."""
    cancelled = schedule.CANCELLED[schedule.doc_of(document)]
    if document.status == cancelled:
        raise DomainError(N_("Документ уже отменён"))
    document.status = cancelled
    if isinstance(document, Act) and document.vat_invoice is not None:
        _sync_vat_invoice(session, document)
    schedule.rebuild(session, document.contract, today)


def sign(session, act):
    """The customer signed the act (on signing → signed)."""
    if act.status != ActStatus.ON_SIGNING.value:
        raise DomainError(N_("Подписать можно только акт на подписании"))
    act.status = ActStatus.SIGNED.value
    session.flush()
