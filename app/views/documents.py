"""Счета и акты: invoices (with their payments), acts, VAT invoices and document lines, and
the documents' buttons (issue, cancel, sign, PDF) on their cards and in a contract's schedule."""
import io
from dataclasses import dataclass
from typing import Optional

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from app import permissions as P
from app.domain import batch, documents, issuing, schedule
from app.domain.documents import take_parties_from_contract
from app.domain.enums import N_, ActStatus, DocumentKind, InvoiceStatus, PaymentState, VatInvoiceStatus
from app.errors import DomainError
from app.exports import pdf
from app.extensions import db
from app.hooks.history import KeepsHistory
from app.hooks.rescheduling import SavesDocument
from app.models import Act, ActLine, Invoice, InvoiceLine, VatInvoice
from app.notify import events
from app.timeutil import today
from app.views.attention import AttentionMixin
from app.views.base import ArendaModelView, compressed_permissions
from app.views.downloads import send_download
from app.views.formatters import date_ru, enum_choices, enum_label, money
from app.views.money import InvoiceAllocationView
from app.views.pages import check_csrf, done, flash_outcome, may, transaction
from app.views.widgets import DocumentCardWidget

_DATES = {name: date_ru for name in ("date", "period_start", "period_end", "planned_date", "due_date")}
_SUMS = {name: money for name in ("amount", "vat_amount", "paid_amount")}


class _LineView(ArendaModelView):
    # Registered views must not subclass each other: FAB finds related views by isinstance.
    list_columns = ["position", "name", "period_start", "period_end", "amount", "vat_amount"]
    base_order = ("position", "asc")
    label_columns = {"position": _("№")}  # a line's number, not a contact's «Должность»
    formatters_columns = {**_DATES, **_SUMS}


class InvoiceLineView(_LineView):
    datamodel = SQLAInterface(InvoiceLine)
    class_permission_name = P.RESOURCE_INVOICE
    list_title = _("Строки счёта")
    add_title = edit_title = show_title = _("Строка счёта")
    add_columns = edit_columns = show_columns = ["invoice", "position", "name", "period_start", "period_end", "amount", "vat_amount"]


class ActLineView(_LineView):
    datamodel = SQLAInterface(ActLine)
    class_permission_name = P.RESOURCE_ACT
    list_title = _("Строки акта")
    add_title = edit_title = show_title = _("Строка акта")
    add_columns = edit_columns = show_columns = ["act", "position", "name", "period_start", "period_end", "amount", "vat_amount"]


@dataclass
class Button:
    label: str
    url: str
    post: bool = False  # a state change (a form with the CSRF token) rather than a download
    style: str = "default"
    icon: str = "fa-file-pdf-o"
    confirm: Optional[str] = None


def buttons_for(document):
    """What the user may do with an invoice, act or VAT invoice in its state."""
    view = {Invoice: "InvoiceView", Act: "ActView", VatInvoice: "VatInvoiceView"}[type(document)]
    resource = {Invoice: P.RESOURCE_INVOICE, Act: P.RESOURCE_ACT, VatInvoice: P.RESOURCE_VAT_INVOICE}[type(document)]
    read, write = may(P.CAN_READ, resource), may(P.CAN_WRITE, resource)
    buttons = []
    if document.number and read:
        buttons.append(Button(gettext("PDF"), url_for(f"{view}.pdf", pk=document.id)))
    if isinstance(document, VatInvoice) or not write:
        return buttons

    def change(name, label, style, icon, confirm=None):
        return Button(label, url_for(f"{view}.{name}", pk=document.id), True, style, icon, confirm)

    if issuing.is_planned(document):
        label = gettext("На подписание") if isinstance(document, Act) else gettext("Выставить")
        buttons.append(change("issue", label, "primary", "fa-paper-plane"))
    if isinstance(document, Act) and document.status == ActStatus.ON_SIGNING.value:
        buttons.append(change("sign", gettext("Подписан"), "success", "fa-check"))
    if not issuing.is_cancelled(document):
        buttons.append(change("cancel", gettext("Отменить"), "danger", "fa-ban", gettext("Отменить документ?")))
    if isinstance(document, Act) and document.vat_invoice is not None and may(P.CAN_READ, P.RESOURCE_VAT_INVOICE):
        buttons.append(Button(gettext("Счёт-фактура"), url_for("VatInvoiceView.pdf", pk=document.vat_invoice.id)))
    return buttons


def _safe_next():
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else None


class _Printable:
    """A document card with its buttons, and its PDF for download (unregistered mix-in)."""

    show_widget = DocumentCardWidget
    render_pdf = None  # staticmethod(an app.exports.pdf function)
    pdf_title = ""

    def _get_show_widget(self, pk, item, *args, **kwargs):
        widgets = super()._get_show_widget(pk, item, *args, **kwargs)
        widgets["show"].template_args.update(buttons=buttons_for(item), csrf_token=generate_csrf())
        return widgets

    @expose("/pdf/<int:pk>")
    @has_access
    def pdf(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if item is None or not item.number:
            abort(404)
        name = f"{self.pdf_title} {item.number}{f' от {item.date:%d.%m.%Y}' if item.date else ''}.pdf"
        return send_download(io.BytesIO(self.render_pdf(item)), "application/pdf", name)


def _back_to_list():
    """After a bulk action: the list as it was (its filters and page), else the plain list."""
    came_from = request.referrer or ""
    return redirect(came_from if came_from.startswith(request.host_url) else url_for(".list"))


class _DocumentView(KeepsHistory, SavesDocument, _Printable, ArendaModelView):
    method_permission_name = compressed_permissions(
        extra_read=("pdf",),
        extra_write=("issue", "cancel", "sign", "issue_selected", "cancel_selected", "sign_selected", "resend_selected"),
    )
    _columns = ["contract", "kind", "number", "date", "period_start", "period_end", "planned_date"]
    search_columns = [
        "contract", "executor", "customer", "kind", "number", "date", "period_start", "period_end",
        "planned_date", "status", "amount",
    ]
    order_columns = ["number", "date", "period_start", "planned_date", "amount", "status"]
    base_order = ("period_start", "desc")
    list_columns = ["number", "date", "contract", "customer.name", "period_start", "period_end", "amount", "status"]
    formatters_columns = {**_DATES, **_SUMS, "kind": enum_label(DocumentKind)}
    description_columns = {
        "number": _("Пусто — следующий номер исполнителя, когда документ выставлен"),
        "date": _("Пусто — сегодня, когда документ выставлен"),
        "period_start": _("Документ относится к периоду графика, в который попадает эта дата"),
    }

    def check(self, item):
        take_parties_from_contract(item)
        super().check(item)

    def _back(self, pk, contract_id=None):
        """Where a state change returns: the page it came from, else the card (else, when a plan
        with nothing left to bill was removed, its contract's)."""
        target = _safe_next()
        if target:
            return redirect(target)
        if contract_id is not None and self.datamodel.get(pk) is None:
            return redirect(url_for("ContractView.show", pk=contract_id))
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    def _change(self, pk, operation):
        """Run a state change of one document (`operation` returns what to tell the user) and go
        back; the transaction is the caller's (@transaction)."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        contract_id = item.contract_id
        done(operation(self.datamodel.session, item))
        return self._back(pk, contract_id)

    @expose("/issue/<int:pk>", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, pk: self._back(pk))
    def issue(self, pk):
        def issue_now(session, item):
            issued = schedule.issue_now(session, item, today())
            if issued.invoice_ids or issued.act_ids:
                return gettext("Документ выставлен")
            return gettext("Дни этого периода уже покрыты выставленными документами: плановый документ удалён")

        return self._change(pk, issue_now)

    @expose("/cancel/<int:pk>", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, pk: self._back(pk))
    def cancel(self, pk):
        def cancel(session, item):
            documents.cancel(session, item, today())
            return gettext("Документ отменён")

        return self._change(pk, cancel)

    # Bulk actions on the list: the single actions' domain functions, row by row (app.domain.batch).

    def _bulk(self, items, change, did):
        check_csrf()
        outcome = batch.each(db.session, [item for item in items if item is not None], change)
        db.session.commit()
        flash_outcome(outcome, did)
        return outcome

    @action("issue_selected", _("Выставить выбранные"), _("Выставить выбранные плановые документы с сегодняшней датой?"),
            "fa-paper-plane", single=False)
    def issue_selected(self, items):
        def issue(session, item):
            if not issuing.is_planned(item):
                raise DomainError(N_("Документ уже выставлен или отменён"))
            issued = schedule.issue_now(session, item, today())
            if not (issued.invoice_ids or issued.act_ids):  # the plan stays; the nightly job removes it
                raise DomainError(N_("Дни этого периода уже покрыты выставленными документами"))

        self._bulk(items, issue, N_("Выставлено документов: %(n)s"))
        return _back_to_list()

    @action("cancel_selected", _("Отменить выбранные"), _("Отменить выбранные документы? Отменённый документ остаётся в истории."),
            "fa-ban", single=False)
    def cancel_selected(self, items):
        self._bulk(items, lambda session, item: documents.cancel(session, item, today()), N_("Отменено документов: %(n)s"))
        return _back_to_list()

    @action("resend_selected", _("Отправить заказчику"), _("Отправить выбранные документы заказчикам на почту ещё раз?"),
            "fa-envelope", single=False)
    def resend_selected(self, items):
        outcome = self._bulk(items, lambda session, item: events.resendable(item), N_("Документов к отправке: %(n)s"))
        if outcome.done:
            sent = events.documents_resent(db.session, today(), outcome.done)
            db.session.commit()
            flash(gettext("Писем заказчикам поставлено в очередь: %(n)s", n=sent), "success")
        return _back_to_list()


class InvoiceView(AttentionMixin, _DocumentView):
    datamodel = SQLAInterface(Invoice)
    class_permission_name = P.RESOURCE_INVOICE
    entity = "invoice"
    render_pdf = staticmethod(pdf.invoice_pdf)
    pdf_title = "Счёт"
    list_title = _("Счета")
    show_title = _("Счёт на оплату")
    add_title = _("Новый счёт")
    edit_title = _("Изменить счёт")
    related_views = [InvoiceLineView, InvoiceAllocationView]
    list_columns = _DocumentView.list_columns + ["due_date", "paid_amount", "payment_state"]
    list_loads = (selectinload(Invoice.contract), selectinload(Invoice.customer))
    search_columns = _DocumentView.search_columns + ["due_date"]
    add_columns = edit_columns = _DocumentView._columns + ["due_date", "amount", "vat_amount", "status", "comment"]
    show_columns = ["executor", "customer"] + add_columns + ["paid_amount", "payment_state"]
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(_("Статус"), choices=enum_choices(InvoiceStatus), default=InvoiceStatus.ISSUED.value),
        "kind": SelectField(_("Вид"), choices=enum_choices(DocumentKind), default=DocumentKind.RENT.value),
    }
    formatters_columns = {
        **_DocumentView.formatters_columns,
        "status": enum_label(InvoiceStatus),
        "payment_state": enum_label(PaymentState),
    }


class VatInvoiceView(KeepsHistory, _Printable, ArendaModelView):
    datamodel = SQLAInterface(VatInvoice)
    class_permission_name = P.RESOURCE_VAT_INVOICE
    method_permission_name = compressed_permissions(extra_read=("pdf",))
    render_pdf = staticmethod(pdf.vat_invoice_pdf)
    pdf_title = "Счёт-фактура"
    list_title = _("Счета-фактуры")
    show_title = _("Счёт-фактура")
    add_title = _("Новый счёт-фактура")
    edit_title = _("Изменить счёт-фактуру")
    list_columns = ["number", "date", "customer.name", "executor.name", "act", "amount", "vat_amount", "status"]
    list_loads = (selectinload(VatInvoice.customer), selectinload(VatInvoice.executor), selectinload(VatInvoice.act))
    search_columns = ["number", "date", "customer", "executor", "status"]
    add_columns = edit_columns = show_columns = ["act", "executor", "customer", "number", "date", "amount", "vat_amount", "status"]
    order_columns = ["number", "date", "amount"]
    base_order = ("date", "desc")
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(_("Статус"), choices=enum_choices(VatInvoiceStatus), default=VatInvoiceStatus.ISSUED.value),
    }
    formatters_columns = {"date": date_ru, **_SUMS, "status": enum_label(VatInvoiceStatus)}


class ActView(AttentionMixin, _DocumentView):
    datamodel = SQLAInterface(Act)
    class_permission_name = P.RESOURCE_ACT
    entity = "act"
    render_pdf = staticmethod(pdf.act_pdf)
    pdf_title = "Акт"
    list_title = _("Акты")
    show_title = _("Акт")
    add_title = _("Новый акт")
    edit_title = _("Изменить акт")
    related_views = [ActLineView, VatInvoiceView]
    list_loads = (selectinload(Act.contract), selectinload(Act.customer))
    add_columns = edit_columns = _DocumentView._columns + ["amount", "vat_amount", "status", "comment"]
    show_columns = ["executor", "customer"] + add_columns
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(_("Статус"), choices=enum_choices(ActStatus), default=ActStatus.ON_SIGNING.value),
        "kind": SelectField(_("Вид"), choices=enum_choices(DocumentKind), default=DocumentKind.RENT.value),
    }
    formatters_columns = {**_DocumentView.formatters_columns, "status": enum_label(ActStatus)}

    @expose("/sign/<int:pk>", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, pk: self._back(pk))
    def sign(self, pk):
        def sign(session, item):
            documents.sign(session, item)
            return gettext("Акт подписан")

        return self._change(pk, sign)

    @action("sign_selected", _("Отметить подписанными"), _("Отметить выбранные акты подписанными заказчиком?"), "fa-check",
            single=False)
    def sign_selected(self, items):
        self._bulk(items, documents.sign, N_("Подписано актов: %(n)s"))
        return _back_to_list()


def register(appbuilder):
    category = dict(category=P.MENU_DOCUMENTS, category_label=_("Счета и акты"), category_icon="fa-file-o")
    appbuilder.add_view(InvoiceView, P.RESOURCE_INVOICE, label=_("Счета"), icon="fa-file-o", **category)
    appbuilder.add_view(ActView, P.RESOURCE_ACT, label=_("Акты"), icon="fa-file-text", **category)
    appbuilder.add_view(VatInvoiceView, P.RESOURCE_VAT_INVOICE, label=_("Счета-фактуры"), icon="fa-file", **category)
    for view in (InvoiceLineView, ActLineView):
        appbuilder.add_view_no_menu(view)
