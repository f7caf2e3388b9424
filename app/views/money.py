"""Деньги: money operations and their allocations to invoices, the allocation page of one
operation (suggestions, several invoices at once, undo), and «Импорт» (upload a statement, then
its result)."""
import json

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import FileField, SelectField
from wtforms.validators import InputRequired

from app import permissions as P
from app.domain import allocation, attention, matching
from app.domain.enums import N_, AuditDoor, Direction, PaymentSource, PaymentState
from app.domain.words import format_amount, parse_number
from app.errors import ImportFailed
from app.extensions import db
from app.hooks.actor import current_user_id, through
from app.hooks.history import KeepsHistory
from app.hooks.paid_sums import KeepsPaidSums
from app.imports import loader
from app.models import Allocation, ImportBatch, Invoice, Payment
from app.timeutil import today
from app.views.attention import AttentionMixin
from app.views.base import ArendaModelView, compressed_permissions
from app.views.formatters import date_ru, enum_choices, enum_label, money, yes_no
from app.views.pages import ArendaPage, done, may, transaction

FORMAT_CHOICES = [("auto", _("Определить автоматически")), (loader.CLIENT_BANK, _("Выписка 1С (1CClientBankExchange)")),
                  (loader.V8_XML, _("1С: «Выгрузка и загрузка данных XML»"))]
RESULT_ROWS = 200  # not-allocated operations listed on a result page (the list view has all)


class ImportForm(DynamicForm):
    file = FileField(_("Файл"), validators=[InputRequired(message=_("Выберите файл"))])
    format = SelectField(_("Формат"), choices=FORMAT_CHOICES, default="auto")


def internal_transfer(value):
    """An imported transfer between two accounts of our executors (never allocated)."""
    return gettext("Перевод между своими счетами") if value else ""


def allocate_button(payment_id):
    """«Разнести» on a list row with money left to allocate (for whoever may allocate)."""
    if payment_id is None or not may(P.CAN_WRITE, P.RESOURCE_ALLOCATION):
        return ""
    return Markup('<a class="btn btn-xs btn-primary allocate-row" href="{}"><i class="fa fa-link"></i> {}</a>').format(
        url_for("PaymentAllocateView.page", pk=payment_id), gettext("Разнести"))


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
    list_loads = (selectinload(Allocation.payment), selectinload(Allocation.invoice).selectinload(Invoice.customer))
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
                    "allocated_amount", "purpose", "allocate"]
    list_computed = {"allocate": lambda item: item.id if allocation.left_to_allocate(item) else None}
    search_columns = [
        "date", "number", "direction", "amount", "payer_name", "payer_inn", "recipient_name", "recipient_inn",
        "purpose", "source", "payer_is_bank", "internal_transfer", "batch",
    ]
    label_columns = {"internal_transfer": _("Перевод"), "allocate": _("Разноска")}
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
        "allocate": allocate_button,
    }
    method_permission_name = compressed_permissions(extra_write=("allocate",))

    @action("allocate", _("Разнести"), icon="fa-link", multiple=False)
    def allocate(self, item):
        """The operation's allocation page: suggestions, several invoices at once, undo."""
        return redirect(url_for("PaymentAllocateView.page", pk=item.id))


class MoneyImportView(ArendaPage):
    route_base = "/money/import"
    class_permission_name = P.RESOURCE_MONEY_IMPORT
    method_permission_name = compressed_permissions(extra_read=("result",), extra_write=("upload",))
    default_view = "upload"

    @expose("/", methods=["GET", "POST"])
    @has_access
    @through(AuditDoor.IMPORT)  # the commit included: the audit log's batch entry is the import's
    @transaction(refused=lambda self: redirect(url_for(".upload")))
    def upload(self):
        form = ImportForm()
        if form.validate_on_submit():
            upload = form.file.data
            data = upload.read(loader.max_bytes(db.session) + 1)
            try:
                batch = loader.import_file(db.session, data, form.format.data, today=today(), filename=upload.filename,
                                           user_id=current_user_id())
            except ImportFailed as error:  # nothing imported; the refused file is recorded
                db.session.rollback()
                batch = loader.record_failure(db.session, error, form.format.data, filename=upload.filename, data=data,
                                              user_id=current_user_id())
                done(gettext("Файл не импортирован: ничего не изменено.") + " " + str(error), "danger")
            else:
                done(gettext("Импорт выполнен."))
            return redirect(url_for(".result", pk=batch.id))
        recent = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)).all()
        return self.render_template("arenda/money_import.html", form=form, recent=recent, title=_("Импорт операций"))

    @expose("/<int:pk>")
    @has_access
    def result(self, pk):
        batch = db.session.get(ImportBatch, pk) or abort(404)
        report = json.loads(batch.report or "{}")
        reasons = {item["payment"]: item for item in report.get("not_allocated", [])}
        left = (
            select(Payment)
            .where(Payment.batch_id == pk, attention.rule("money", "not_allocated").predicate(today()))
            .order_by(Payment.id).limit(RESULT_ROWS)
        )
        return self.render_template(
            "arenda/money_import_result.html", batch=batch, report=report, reasons=reasons,
            not_allocated=db.session.scalars(left).all(), money=money, date_ru=date_ru, title=_("Результат импорта"),
        )


class PaymentAllocateView(ArendaPage):
    """One operation: its allocations (with undo) and the invoices it may pay."""

    route_base = "/money/allocate"
    class_permission_name = P.RESOURCE_ALLOCATION
    method_permission_name = compressed_permissions(extra_read=("page",), extra_write=("save", "undo"))
    default_view = "page"

    @expose("/<int:pk>")
    @has_access
    def page(self, pk):
        payment = db.session.get(Payment, pk) or abort(404)
        return self.render_template(
            "arenda/payment_allocate.html", payment=payment, form=DynamicForm(), left=payment.amount - payment.allocated_amount,
            suggestions=matching.suggestions(db.session, payment) if payment.direction == Direction.INCOMING.value else [],
            allocations=db.session.scalars(select(Allocation).where(Allocation.payment_id == pk).order_by(Allocation.id)).all(),
            money=money, date_ru=date_ru, state=enum_label(PaymentState), title=_("Разноска операции"),
            amount=format_amount, can_write=self.appbuilder.sm.has_access(P.CAN_WRITE, P.RESOURCE_ALLOCATION),
            can_edit_payment=self.appbuilder.sm.has_access(P.CAN_WRITE, P.RESOURCE_PAYMENT),
        )

    @expose("/<int:pk>/save", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, pk: redirect(url_for(".page", pk=pk)), prefix=N_("Не разнесено:"))
    def save(self, pk):
        payment = db.session.get(Payment, pk) or abort(404)
        chosen = []
        for invoice_id in request.form.getlist("invoice", type=int):
            amount = parse_number(request.form.get(f"amount_{invoice_id}", ""))
            if amount is None:
                flash(gettext("Сумма разноски — число, например 1 200,50"), "danger")
                return redirect(url_for(".page", pk=pk))
            chosen.append((db.session.get(Invoice, invoice_id) or abort(404), amount))
        if not chosen:
            flash(gettext("Отметьте счета, на которые разнести оплату"), "warning")
            return redirect(url_for(".page", pk=pk))
        for invoice, amount in chosen:  # all or none: one refusal rolls back the others
            allocation.allocate(db.session, payment, invoice, amount, user_id=current_user_id())
        done(gettext("Разнесено на счета: %(n)s", n=len(chosen)))
        return redirect(url_for(".page", pk=pk))

    @expose("/<int:pk>/undo/<int:allocation_id>", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, pk, allocation_id: redirect(url_for(".page", pk=pk)))
    def undo(self, pk, allocation_id):
        item = db.session.get(Allocation, allocation_id)
        if item is None or item.payment_id != pk:
            abort(404)
        allocation.unallocate(db.session, item)
        done(gettext("Разноска отменена"))
        return redirect(url_for(".page", pk=pk))


def register(appbuilder):
    category = dict(category=P.MENU_MONEY, category_label=_("Деньги"), category_icon="fa-rub")
    appbuilder.add_view(PaymentView, P.RESOURCE_PAYMENT, label=_("Операции"), icon="fa-rub", **category)
    appbuilder.add_view(AllocationView, P.RESOURCE_ALLOCATION, label=_("Разноска"), icon="fa-link", **category)
    appbuilder.add_view_no_menu(InvoiceAllocationView)
    appbuilder.add_view(MoneyImportView, P.RESOURCE_MONEY_IMPORT, label=_("Импорт"), icon="fa-upload", **category)
    appbuilder.add_view_no_menu(PaymentAllocateView)
