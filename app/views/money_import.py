"""Деньги → «Импорт» (upload a statement, then its result), manual allocation of one operation across
invoices with suggestions and undo, and Настройки → «Правила для платежей с карт»."""
import json
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from wtforms import FieldList, FileField, Form, FormField, SelectField, StringField
from wtforms.validators import InputRequired

from app import permissions as P
from app.domain import allocation, attention, card_payments, matching
from app.domain.enums import Direction, PaymentState
from app.errors import DomainError, ImportFailed
from app.extensions import db
from app.imports import loader
from app.models import Allocation, ImportBatch, Invoice, Payment
from app.timeutil import today
from app.hooks.actor import current_user_id
from app.views.base import compressed_permissions
from app.views.formatters import date_ru, enum_label, money

FORMAT_CHOICES = [("auto", _("Определить автоматически")), (loader.CLIENT_BANK, _("Выписка 1С (1CClientBankExchange)")),
                  (loader.V8_XML, _("1С: «Выгрузка и загрузка данных XML»"))]
RESULT_ROWS = 200  # not-allocated operations listed on a result page (the list view has all)


class ImportForm(DynamicForm):
    file = FileField(_("Файл"), validators=[InputRequired(message=_("Выберите файл"))])
    format = SelectField(_("Формат"), choices=FORMAT_CHOICES, default="auto")


class _ArendaPage(BaseView):
    """A page of our own (not a model list): read/write permissions like every view."""

    base_permissions = [P.CAN_READ, P.CAN_WRITE]


class MoneyImportView(_ArendaPage):
    route_base = "/money/import"
    class_permission_name = P.RESOURCE_MONEY_IMPORT
    method_permission_name = compressed_permissions(extra_read=("result",), extra_write=("upload",))
    default_view = "upload"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def upload(self):
        form = ImportForm()
        if form.validate_on_submit():
            upload = form.file.data
            data = upload.read(loader.max_bytes(db.session) + 1)
            try:
                batch = loader.import_file(db.session, data, form.format.data, today=today(), filename=upload.filename,
                                           user_id=current_user_id())
            except ImportFailed as error:
                db.session.rollback()
                batch = loader.record_failure(db.session, error, form.format.data, filename=upload.filename, data=data,
                                              user_id=current_user_id())
                flash(gettext("Файл не импортирован: ничего не изменено.") + " " + str(error), "danger")
            else:
                flash(gettext("Импорт выполнен."), "success")
            db.session.commit()
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


class PaymentAllocateView(_ArendaPage):
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
        )

    @expose("/<int:pk>/save", methods=["POST"])
    @has_access
    def save(self, pk):
        payment = db.session.get(Payment, pk) or abort(404)
        if not DynamicForm().validate_on_submit():
            abort(400)
        chosen = []
        for invoice_id in request.form.getlist("invoice", type=int):
            try:
                amount = Decimal(request.form.get(f"amount_{invoice_id}", "").replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                flash(gettext("Сумма разноски — число, например 1200.50"), "danger")
                return redirect(url_for(".page", pk=pk))
            chosen.append((db.session.get(Invoice, invoice_id) or abort(404), amount))
        if not chosen:
            flash(gettext("Отметьте счета, на которые разнести оплату"), "warning")
            return redirect(url_for(".page", pk=pk))
        try:
            for invoice, amount in chosen:  # all or none: one refusal rolls back the others
                allocation.allocate(db.session, payment, invoice, amount, user_id=current_user_id())
        except DomainError as error:
            db.session.rollback()
            flash(gettext("Не разнесено:") + " " + gettext(str(error)), "danger")
        else:
            db.session.commit()
            flash(gettext("Разнесено на счета: %(n)s", n=len(chosen)), "success")
        return redirect(url_for(".page", pk=pk))

    @expose("/<int:pk>/undo/<int:allocation_id>", methods=["POST"])
    @has_access
    def undo(self, pk, allocation_id):
        item = db.session.get(Allocation, allocation_id)
        if item is None or item.payment_id != pk or not DynamicForm().validate_on_submit():
            abort(404)
        try:
            allocation.unallocate(db.session, item)
        except DomainError as error:
            db.session.rollback()
            flash(gettext(str(error)), "danger")
        else:
            db.session.commit()
            flash(gettext("Разноска отменена"), "success")
        return redirect(url_for(".page", pk=pk))


class CardRuleForm(Form):
    bank = StringField(_("Банк"))
    inn = StringField(_("ИНН банка"))
    pattern = StringField(_("Шаблон (регулярное выражение с группой name)"))


class CardRulesForm(DynamicForm):
    rules = FieldList(FormField(CardRuleForm))


class CardRulesView(_ArendaPage):
    """The rules that read a person's name from a card payment's purpose (SPEC §1.6)."""

    route_base = "/settings/card-payer-rules"
    class_permission_name = P.RESOURCE_CARD_RULES
    method_permission_name = compressed_permissions(extra_read=("rules",), extra_write=("save", "reset"))
    default_view = "rules"
    BLANK_ROWS = 3

    def _render(self, form):
        return self.render_template("arenda/card_rules.html", form=form, title=_("Правила для платежей с карт"),
                                    defaults=card_payments.DEFAULT_RULES)

    @expose("/")
    @has_access
    def rules(self):
        form = CardRulesForm()
        for rule in card_payments.load(db.session) + [card_payments.Rule("", "", "")] * self.BLANK_ROWS:
            form.rules.append_entry({"bank": rule.bank, "inn": rule.inn, "pattern": rule.pattern})
        return self._render(form)

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        form = CardRulesForm()
        if not form.validate_on_submit():
            abort(400)
        rules = [card_payments.Rule(e.data["bank"].strip(), e.data["inn"].strip(), e.data["pattern"].strip())
                 for e in form.rules.entries if any((e.data[k] or "").strip() for k in ("bank", "inn", "pattern"))]
        try:
            card_payments.save(db.session, rules)
        except DomainError as error:
            db.session.rollback()
            for messages in getattr(error, "errors", {"": [str(error)]}).values():
                for message in messages:
                    flash(message, "danger")
            return self._render(form)
        db.session.commit()
        flash(gettext("Правила сохранены"), "success")
        return redirect(url_for(".rules"))

    @expose("/reset", methods=["POST"])
    @has_access
    def reset(self):
        if not DynamicForm().validate_on_submit():
            abort(400)
        card_payments.reset(db.session)
        db.session.commit()
        flash(gettext("Восстановлены правила по умолчанию"), "success")
        return redirect(url_for(".rules"))


def register(appbuilder):
    appbuilder.add_view(MoneyImportView, P.RESOURCE_MONEY_IMPORT, label=_("Импорт"), icon="fa-upload",
                        category=P.MENU_MONEY, category_label=_("Деньги"), category_icon="fa-rub")
    appbuilder.add_view_no_menu(PaymentAllocateView)
    appbuilder.add_view(CardRulesView, P.RESOURCE_CARD_RULES, label=_("Правила для платежей с карт"), icon="fa-credit-card",
                        category=P.MENU_SETTINGS, category_label=_("Настройки"), category_icon="fa-cog")
