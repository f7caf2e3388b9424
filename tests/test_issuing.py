"""Issuing is one module: a document of any kind, created outside the schedule, issues through
app.domain.issuing (numbered, dated, its VAT invoice by the executor's setting), and every
issuer — the nightly job, a document saved by hand, the demo generator — applies the same
VAT invoice rule."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.demo import generate
from app.domain import documents, issuing
from app.domain.enums import ActStatus, DocumentKind, InvoiceStatus
from app.models import Act, Invoice, VatInvoice
from tests import factories


def _other(session, model, contract, status):
    """A charge the schedule never plans (kind `other`), written straight to the database."""
    document = model(
        contract=contract, executor_id=contract.executor_id, customer_id=contract.customer_id, kind=DocumentKind.OTHER.value,
        status=status, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), planned_date=date(2026, 3, 5),
        amount=Decimal("3600.00"), vat_amount=Decimal("600.00"),
    )
    session.add(document)
    session.flush()
    return document


def test_an_act_of_another_kind_issues_through_issuing_with_its_vat_invoice(session):
    contract = factories.contract(session, executor=factories.executor(session, doc_prefix="П-"))
    act = _other(session, Act, contract, ActStatus.PLANNED.value)
    issuing.issue_document(session, act, date(2026, 3, 7))
    session.flush()
    assert (act.status, act.number, act.date) == (ActStatus.ON_SIGNING.value, "П-1", date(2026, 3, 7))
    vat_invoice = session.scalar(select(VatInvoice).where(VatInvoice.act_id == act.id))
    assert (vat_invoice.number, vat_invoice.date, vat_invoice.amount, vat_invoice.vat_amount) == (
        "П-1", date(2026, 3, 7), Decimal("3600.00"), Decimal("600.00"),
    )
    assert issuing.is_issued(act)


def test_no_vat_invoice_when_the_executor_has_them_off(session):
    contract = factories.contract(session, executor=factories.executor(session, doc_prefix="Б-", vat_invoices_enabled=False))
    act = _other(session, Act, contract, ActStatus.PLANNED.value)
    invoice = _other(session, Invoice, contract, InvoiceStatus.PLANNED.value)
    issuing.issue_document(session, act, date(2026, 3, 7))
    issuing.issue_document(session, invoice, date(2026, 3, 7))
    session.flush()
    assert (act.number, invoice.number) == ("Б-1", "Б-1")  # acts and invoices are numbered apart
    assert invoice.status == InvoiceStatus.ISSUED.value
    assert session.scalar(select(func.count(VatInvoice.id))) == 0


def test_a_hand_written_issued_act_takes_the_next_number_after_the_nightly_ones(session):
    contract = factories.contract(session, executor=factories.executor(session, doc_prefix="Н-"))
    first = _other(session, Act, contract, ActStatus.PLANNED.value)
    issuing.issue_document(session, first, date(2026, 3, 7))
    by_hand = _other(session, Act, contract, ActStatus.ON_SIGNING.value)
    documents.on_saved(session, by_hand, date(2026, 3, 8))
    session.flush()
    assert (by_hand.number, by_hand.date) == ("Н-2", date(2026, 3, 8))
    assert session.scalar(select(VatInvoice.number).where(VatInvoice.act_id == by_hand.id)) == "Н-2"


def test_the_demo_generator_gives_vat_invoices_only_where_the_executor_issues_them(session):
    summary = generate.generate(session, 20, date(2026, 3, 10), seed=5)
    session.commit()
    issued_acts = select(Act).where(Act.status.in_(issuing.IN_FORCE[issuing.ACT]))
    acts = session.scalars(issued_acts).all()
    with_vat = {vat.act_id for vat in session.scalars(select(VatInvoice))}
    assert acts and summary["vat_invoices"] == len(with_vat)
    assert {act.executor.vat_invoices_enabled for act in acts} == {True, False}
    for act in acts:
        assert (act.id in with_vat) == act.executor.vat_invoices_enabled, act.number
