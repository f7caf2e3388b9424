"""Invoices for payment (счёт на оплату, also penalty invoices), acts (акт), VAT invoices
(счёт-фактура), claim letters (претензия), reconciliation acts (акт сверки), the notices of a
security deposit's offset or refund and the letter announcing a rent indexation, as PDF.

Pure functions from model objects to bytes: Jinja templates in app/templates/arenda/pdf
rendered by WeasyPrint (Pango, DejaVu fonts for Cyrillic). The views serve them for download
and notifications attach them to emails.
"""
import threading
from decimal import Decimal
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.domain import payment_qr
from app.domain.enums import VatMode
from app.domain.words import amount_in_words, date_in_words, format_amount

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "arenda" / "pdf"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
_env.filters.update(amount=format_amount, in_words=amount_in_words, long_date=date_in_words,
                    short_date=lambda day: f"{day:%d.%m.%Y}" if day else "",
                    pct=lambda value: f"{Decimal(value).normalize():f}".replace(".", ",") if value is not None else "")


def _vat(document):
    """How the document states VAT: its mode and rate label («20%», «без НДС»)."""
    contract = document.contract
    if not document.vat_amount:
        return VatMode.NONE.value, "без НДС"
    rate = (Decimal(contract.vat_rate) * 100).normalize()
    return contract.vat_mode, f"{rate:f}%"


def _rows(document, mode):
    """Lines with the sum shown in the table: before VAT when VAT is added on top."""
    rows = []
    for line in document.lines:
        net = line.amount - line.vat_amount
        rows.append({"name": line.name, "net": net, "vat": line.vat_amount, "total": line.amount,
                     "shown": net if mode == VatMode.ON_TOP.value else line.amount})
    return rows


_per_thread = threading.local()


def _font_config():
    """This thread's WeasyPrint font configuration, made at its first PDF and kept: a new one per
    document cost a fifth of an invoice's rendering. Not shared between threads (Pango's font maps
    are not promised to be thread-safe); the templates add no fonts of their own (no @font-face)."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_per_thread, "font_config", None) is None:
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def _render(template, **context):
    # WeasyPrint with its Pango bindings is ~30 MB: loaded at a process's first PDF, not by every
    # process that imports the app (a bank import, a worker's other jobs).
    from weasyprint import HTML

    html = HTML(string=_env.get_template(template).render(**context), base_url=str(TEMPLATES))
    return html.write_pdf(font_config=_font_config())


def _document_context(document):
    mode, rate = _vat(document)
    rows = _rows(document, mode)
    return dict(
        doc=document, contract=document.contract, executor=document.executor, customer=document.customer,
        bank=document.executor.bank_accounts[0] if document.executor.bank_accounts else None,
        rows=rows, mode=mode, rate=rate, net_total=sum((r["net"] for r in rows), Decimal("0")),
    )


def _qr_image(text):
    """The QR code as an SVG data URI (vector: sharp at any print resolution); the quiet zone
    of four modules the scanners need is kept."""
    return segno.make(text, error="m", encoding="utf-8").svg_data_uri(border=4) if text else None


def invoice_pdf(invoice):
    """The invoice with the payment QR code of ГОСТ Р 56042-2014 when the executor has an account."""
    context = _document_context(invoice)
    context.update(qr=_qr_image(payment_qr.payload(invoice, context["bank"])))
    return _render("invoice.html", **context)


def act_pdf(act):
    return _render("act.html", **_document_context(act))


def vat_invoice_pdf(vat_invoice):
    act = vat_invoice.act
    context = _document_context(act)
    context.update(doc=vat_invoice, act=act)
    return _render("vat_invoice.html", **context)


def claim_pdf(found):
    """The claim letter of a contract's penalty (app.domain.penalties.penalty_on's result):
    its overdue invoices, the day spans, rates and sums, the debt and the penalty."""
    contract = found.contract
    return _render(
        "claim.html", contract=contract, executor=contract.executor, customer=contract.customer, day=found.day,
        mode=contract.penalty_mode, accruals=found.accruals, overdue=found.overdue, penalty=found.penalty,
        charged=found.charged, bank=contract.executor.bank_accounts[0] if contract.executor.bank_accounts else None,
    )


def reconciliation_pdf(act):
    """The reconciliation act (app.domain.reconciliation.reconcile's result), two-sided."""
    return _render("reconciliation.html", act=act, executor=act.executor, customer=act.customer)


DEPOSIT_TITLES = {"offset": "о зачёте обеспечительного платежа в счёт задолженности",
                  "refund": "о возврате обеспечительного платежа"}


def deposit_operation_pdf(operation, deposit):
    """The notice of one deposit operation (app.domain.deposits), with the deposit after it."""
    contract = operation.contract
    customer_banks = contract.customer.bank_accounts
    return _render(
        "deposit_operation.html", op=operation, deposit=deposit, contract=contract, executor=contract.executor,
        customer=contract.customer, title=DEPOSIT_TITLES[operation.kind], bank_of_customer=customer_banks[0] if customer_banks else None,
    )


def indexation_letter_pdf(found):
    """The letter telling the tenant of a rent indexation (уведомление об индексации;
    app.domain.indexation.described's result): the rent before, the percent and its basis, the new rent."""
    agreement = found.agreement
    contract = agreement.contract
    return _render("indexation_letter.html", found=found, agreement=agreement, contract=contract,
                   executor=contract.executor, customer=contract.customer)
