"""Деньги: money operations and their allocations to invoices."""
from flask import redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms import SelectField

from app import permissions as P
from app.domain.enums import Direction, PaymentSource
from app.hooks.history import KeepsHistory
from app.hooks.paid_sums import KeepsPaidSums
from app.models import Allocation, Payment
from app.views.attention import AttentionMixin
from app.views.base import ArendaModelView, compressed_permissions
from app.views.formatters import date_ru, enum_choices, enum_label, money, yes_no


def internal_transfer(value):
    """An imported transfer between two accounts of our executors (never allocated)."""
    return gettext("Перевод между своими счетами") if value else ""


class _AllocationBase(KeepsPaidSums, ArendaModelView):
    # Registered views must not subclass each other: FAB finds related views by isinstance.
    datamodel = SQLAInterface(Allocation)
    class_permission_name = P.RESOURCE_ALLOCATION
    entity = "allocation"
    list_title = _("Разноска")
    show_title = _("Разноска")
    add_title = _("Разнести оплату")
    edit_title = _("Изменить разноску")
    list_columns = ["payment", "invoice", "invoice.customer.name", "amount", "automatic", "created_at"]
    label_columns = {"invoice.customer.name": _("Заказчик")}
    search_columns = ["payment", "invoice", "amount", "automatic"]
    add_columns = ["payment", "invoice", "amount"]
    edit_columns = ["amount"]
    show_columns = ["payment", "invoice", "amount", "automatic", "created_at", "created_by"]
    base_order = ("created_at", "desc")
    formatters_columns = {"amount": money, "automatic": yes_no}


class AllocationView(_AllocationBase):
    """All allocations (menu «Разноска»), and those of one operation on its card."""


class InvoiceAllocationView(_AllocationBase):
    """The payments of one invoice, on its card."""

    list_title = _("Оплаты")
    list_columns = ["payment", "payment.payer_name", "amount", "automatic", "created_at"]
    label_columns = {"payment.payer_name": _("Плательщик")}


class PaymentView(AttentionMixin, KeepsHistory, ArendaModelView):
    datamodel = SQLAInterface(Payment)
    class_permission_name = P.RESOURCE_PAYMENT
    entity = "payment"
    list_title = _("Деньги")
    show_title = _("Денежная операция")
    add_title = _("Новая операция")
    edit_title = _("Изменить операцию")
    related_views = [AllocationView]
    list_columns = ["date", "number", "direction", "internal_transfer", "payer_name", "recipient_name", "amount",
                    "allocated_amount", "purpose"]
    search_columns = [
        "date", "number", "direction", "amount", "payer_name", "payer_inn", "recipient_name", "recipient_inn",
        "purpose", "source", "payer_is_bank", "internal_transfer", "batch",
    ]
    label_columns = {"internal_transfer": _("Перевод")}
    order_columns = ["date", "number", "direction", "amount", "allocated_amount"]
    base_order = ("date", "desc")
    _payer = ["payer_name", "payer_inn", "payer_kpp", "payer_account", "payer_bik", "payer_bank"]
    _recipient = ["recipient_name", "recipient_inn", "recipient_kpp", "recipient_account", "recipient_bik", "recipient_bank"]
    add_fieldsets = edit_fieldsets = [
        (_("Операция"), {"fields": ["direction", "date", "number", "amount", "source", "purpose", "comment"]}),
        (_("Плательщик"), {"fields": _payer + ["payer_is_bank"], "expanded": True}),
        (_("Получатель"), {"fields": _recipient, "expanded": True}),
    ]
    show_fieldsets = [
        (_("Операция"), {"fields": ["direction", "internal_transfer", "date", "number", "amount", "allocated_amount", "source",
                                    "batch", "purpose", "comment"]}),
        (_("Плательщик"), {"fields": _payer + ["payer_is_bank"], "expanded": True}),
        (_("Получатель"), {"fields": _recipient, "expanded": True}),
    ]
    add_form_extra_fields = edit_form_extra_fields = {
        "direction": SelectField(_("Направление"), choices=enum_choices(Direction), default=Direction.INCOMING.value),
        "source": SelectField(_("Источник"), choices=enum_choices(PaymentSource), default=PaymentSource.MANUAL.value),
    }
    formatters_columns = {
        "date": date_ru,
        "amount": money,
        "allocated_amount": money,
        "direction": enum_label(Direction),
        "source": enum_label(PaymentSource),
        "payer_is_bank": yes_no,
        "internal_transfer": internal_transfer,
    }
    method_permission_name = compressed_permissions(extra_write=("allocate",))

    @action("allocate", _("Разнести"), icon="fa-link", multiple=False)
    def allocate(self, item):
        """The operation's allocation page: suggestions, several invoices at once, undo."""
        return redirect(url_for("PaymentAllocateView.page", pk=item.id))


def register(appbuilder):
    category = dict(category=P.MENU_MONEY, category_label=_("Деньги"), category_icon="fa-rub")
    appbuilder.add_view(PaymentView, P.RESOURCE_PAYMENT, label=_("Операции"), icon="fa-rub", **category)
    appbuilder.add_view(AllocationView, P.RESOURCE_ALLOCATION, label=_("Разноска"), icon="fa-link", **category)
    appbuilder.add_view_no_menu(InvoiceAllocationView)
