"""Счета и акты: invoices (with their payments), acts, VAT invoices and document lines."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from wtforms import SelectField

from app import permissions as P
from app.domain.documents import take_parties_from_contract
from app.domain.enums import ActStatus, DocumentKind, InvoiceStatus, PaymentState, VatInvoiceStatus
from app.models import Act, ActLine, Invoice, InvoiceLine, VatInvoice
from app.views.attention import AttentionMixin
from app.views.base import ArendaModelView
from app.views.formatters import date_ru, enum_choices, enum_label, money
from app.views.money import InvoiceAllocationView

_DATES = {name: date_ru for name in ("date", "period_start", "period_end", "planned_date", "due_date")}
_SUMS = {name: money for name in ("amount", "vat_amount", "paid_amount")}


class _LineView(ArendaModelView):
    # Registered views must not subclass each other: FAB finds related views by isinstance.
    list_columns = ["position", "name", "period_start", "period_end", "amount", "vat_amount"]
    base_order = ("position", "asc")
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


class _DocumentView(ArendaModelView):
    _columns = ["contract", "kind", "number", "date", "period_start", "period_end", "planned_date"]
    search_columns = [
        "contract", "executor", "customer", "kind", "number", "date", "period_start", "period_end",
        "planned_date", "status", "amount",
    ]
    order_columns = ["number", "date", "period_start", "planned_date", "amount", "status"]
    base_order = ("period_start", "desc")
    list_columns = ["number", "date", "contract", "customer.name", "period_start", "period_end", "amount", "status"]
    formatters_columns = {**_DATES, **_SUMS, "kind": enum_label(DocumentKind)}

    def check(self, item):
        take_parties_from_contract(item)
        super().check(item)


class InvoiceView(AttentionMixin, _DocumentView):
    datamodel = SQLAInterface(Invoice)
    class_permission_name = P.RESOURCE_INVOICE
    entity = "invoice"
    list_title = _("Счета")
    show_title = _("Счёт на оплату")
    add_title = _("Новый счёт")
    edit_title = _("Изменить счёт")
    related_views = [InvoiceLineView, InvoiceAllocationView]
    list_columns = _DocumentView.list_columns + ["due_date", "paid_amount", "payment_state"]
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


class VatInvoiceView(ArendaModelView):
    datamodel = SQLAInterface(VatInvoice)
    class_permission_name = P.RESOURCE_VAT_INVOICE
    list_title = _("Счета-фактуры")
    show_title = _("Счёт-фактура")
    add_title = _("Новый счёт-фактура")
    edit_title = _("Изменить счёт-фактуру")
    list_columns = ["number", "date", "customer.name", "executor.name", "act", "amount", "vat_amount", "status"]
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
    list_title = _("Акты")
    show_title = _("Акт")
    add_title = _("Новый акт")
    edit_title = _("Изменить акт")
    related_views = [ActLineView, VatInvoiceView]
    add_columns = edit_columns = _DocumentView._columns + ["amount", "vat_amount", "status", "comment"]
    show_columns = ["executor", "customer"] + add_columns
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(_("Статус"), choices=enum_choices(ActStatus), default=ActStatus.ON_SIGNING.value),
        "kind": SelectField(_("Вид"), choices=enum_choices(DocumentKind), default=DocumentKind.RENT.value),
    }
    formatters_columns = {**_DocumentView.formatters_columns, "status": enum_label(ActStatus)}


def register(appbuilder):
    category = dict(category=P.MENU_DOCUMENTS, category_label=_("Счета и акты"), category_icon="fa-file-o")
    appbuilder.add_view(InvoiceView, P.RESOURCE_INVOICE, label=_("Счета"), icon="fa-file-o", **category)
    appbuilder.add_view(ActView, P.RESOURCE_ACT, label=_("Акты"), icon="fa-file-text", **category)
    appbuilder.add_view(VatInvoiceView, P.RESOURCE_VAT_INVOICE, label=_("Счета-фактуры"), icon="fa-file", **category)
    for view in (InvoiceLineView, ActLineView):
        appbuilder.add_view_no_menu(view)
