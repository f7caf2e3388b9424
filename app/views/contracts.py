"""Договоры: contracts with rooms, services, status history and their billing schedule;
supplementary agreements."""
import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import selectinload
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from app import permissions as P
from app.domain import balances, deposits, indexation, penalties, schedule
from app.domain.enums import (
    N_, ActStatus, BillingPeriod, ContractStatus, DepositOperationKind, DocumentKind, IndexationMode, InvoicedPeriod,
    InvoiceStatus, PaymentState, PenaltyMode, StatusSource, VatMode,
)
from app.errors import DomainError
from app.exports import pdf
from app.hooks.actor import current_user_id
from app.hooks.history import KeepsHistory
from app.hooks.rescheduling import ReschedulesContract
from app.hooks.status_history import RecordsStatusChange
from app.models import Agreement, AgreementRoom, Contract, ContractRoom, ContractService, ContractStatusChange
from app.timeutil import today
from app.views.attention import AttentionMixin
from app.views.base import ArendaModelView, compressed_permissions
from app.views.documents import buttons_for
from app.views.pages import done, may, transaction
from app.views.formatters import area, date_ru, enum_choices, enum_label, money, percent, yes_no


class ContractRoomView(ReschedulesContract, ArendaModelView):
    datamodel = SQLAInterface(ContractRoom)
    class_permission_name = P.RESOURCE_CONTRACT
    entity = "contract_room"
    list_title = _("Помещения по договору")
    add_title = _("Добавить помещение в договор")
    edit_title = _("Изменить помещение договора")
    show_title = _("Помещение договора")
    list_columns = ["room", "area", "rate"]
    add_columns = edit_columns = show_columns = ["contract", "room", "area", "rate"]
    formatters_columns = {"area": area, "rate": money}


class ContractServiceView(ReschedulesContract, ArendaModelView):
    datamodel = SQLAInterface(ContractService)
    class_permission_name = P.RESOURCE_CONTRACT
    entity = "contract_service"
    list_title = _("Доп. услуги")
    add_title = _("Новая доп. услуга")
    edit_title = _("Изменить доп. услугу")
    show_title = _("Доп. услуга")
    list_columns = ["name", "monthly_amount"]
    add_columns = edit_columns = show_columns = ["contract", "name", "monthly_amount"]
    formatters_columns = {"monthly_amount": money}


class ContractStatusChangeView(ArendaModelView):
    datamodel = SQLAInterface(ContractStatusChange)
    class_permission_name = P.RESOURCE_CONTRACT
    base_permissions = [P.CAN_READ]
    exclude_route_methods = {"add", "edit", "delete"}  # history is written by status changes only
    list_title = _("История статусов")
    list_columns = ["changed_at", "old_status", "new_status", "changed_by", "source"]
    base_order = ("changed_at", "desc")
    label_columns = {"source": _("Источник")}
    formatters_columns = {
        "old_status": enum_label(ContractStatus), "new_status": enum_label(ContractStatus), "source": enum_label(StatusSource),
    }


class AgreementRoomView(ReschedulesContract, ArendaModelView):
    datamodel = SQLAInterface(AgreementRoom)
    class_permission_name = P.RESOURCE_AGREEMENT
    entity = "agreement_room"
    list_title = _("Помещения с даты соглашения")
    add_title = _("Добавить помещение")
    edit_title = _("Изменить помещение")
    show_title = _("Помещение")
    list_columns = ["room", "area", "rate"]
    add_columns = edit_columns = show_columns = ["agreement", "room", "area", "rate"]
    formatters_columns = {"area": area, "rate": money}

    def contract_of(self, item):
        return item.agreement.contract


class AgreementView(ReschedulesContract, ArendaModelView):
    datamodel = SQLAInterface(Agreement)
    class_permission_name = P.RESOURCE_AGREEMENT
    entity = "agreement"
    list_title = _("Доп. соглашения")
    show_title = _("Доп. соглашение")
    add_title = _("Новое доп. соглашение")
    edit_title = _("Изменить доп. соглашение")
    related_views = [AgreementRoomView]
    list_columns = ["contract", "contract.customer.name", "number", "date", "start_date", "new_monthly_rent", "new_end_date",
                    "terminates", "signed"]
    label_columns = {"contract.customer.name": _("Заказчик")}
    search_columns = ["contract", "number", "date", "start_date", "terminates", "signed", "indexation"]
    add_columns = edit_columns = [
        "contract", "number", "date", "start_date", "notify_days_before",
        "new_monthly_rent", "new_end_date", "terminates", "signed", "comment",
    ]
    show_columns = add_columns + ["indexation"]
    method_permission_name = compressed_permissions(extra_read=("letter",))
    order_columns = ["number", "date", "start_date", "new_monthly_rent", "new_end_date"]
    base_order = ("start_date", "desc")
    description_columns = {
        "start_date": _("С этой даты действуют новые условия"),
        "terminates": _("Договор прекращается с даты начала соглашения"),
        "new_monthly_rent": _("Пусто — арендная плата не меняется"),
        "signed": _("Условия меняются только по подписанному соглашению; индексацию ночное задание готовит неподписанной"),
    }
    formatters_columns = {"date": date_ru, "start_date": date_ru, "new_end_date": date_ru, "new_monthly_rent": money, "terminates": yes_no,
                          "signed": yes_no, "indexation": yes_no}

    @expose("/letter/<int:pk>.pdf", methods=["GET"])
    @has_access
    def letter(self, pk):
        """The letter telling the tenant of the rent indexation this agreement makes."""
        agreement = self.datamodel.get(pk, self._base_filters)
        if agreement is None or not agreement.indexation:
            abort(404)
        data = pdf.indexation_letter_pdf(indexation.described(self.datamodel.session, agreement))
        return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"indexaciya-{agreement.id}.pdf")


class ContractView(AttentionMixin, KeepsHistory, RecordsStatusChange, ReschedulesContract, ArendaModelView):
    datamodel = SQLAInterface(Contract)
    class_permission_name = P.RESOURCE_CONTRACT
    entity = "contract"
    list_title = _("Договоры")
    show_title = _("Договор")
    add_title = _("Новый договор")
    edit_title = _("Изменить договор")
    related_views = [ContractRoomView, ContractServiceView, AgreementView, ContractStatusChangeView]
    list_columns = ["number", "date", "customer.name", "executor.name", "status", "start_date", "end_date", "rent", "manager"]
    list_loads = (selectinload(Contract.customer), selectinload(Contract.executor), selectinload(Contract.manager),
                  selectinload(Contract.rooms))  # the monthly rent column reads the rooms
    label_columns = {"rent": _("Аренда в месяц")}
    search_columns = [
        "number", "date", "customer", "executor", "manager", "status", "start_date", "end_date",
        "has_original", "autosend_documents", "amocrm_lead_id",
    ]
    order_columns = ["number", "date", "status", "start_date", "end_date"]
    base_order = ("date", "desc")
    _main = ["number", "date", "executor", "customer", "manager", "status", "start_date", "end_date", "has_original", "comment"]
    _terms = [
        "monthly_rent", "vat_mode", "vat_rate", "billing_period", "invoiced_period", "invoice_day",
        "payment_term_days", "payment_day", "deposit_amount",
    ]
    _notify = ["notify_days_before_end", "autosend_documents", "amocrm_lead_id"]
    _penalties = ["penalty_mode", "penalty_rate", "penalty_grace_days", "penalty_cap_percent", "penalty_monthly"]
    _indexation = ["indexation_mode", "indexation_percent", "indexation_month"]
    add_fieldsets = edit_fieldsets = [
        (_("Договор"), {"fields": _main}),
        (_("Условия оплаты"), {"fields": _terms, "expanded": True}),
        (_("Пени за просрочку"), {"fields": _penalties, "expanded": True}),
        (_("Индексация арендной платы"), {"fields": _indexation, "expanded": True}),
        (_("Уведомления и интеграции"), {"fields": _notify, "expanded": True}),
    ]
    show_fieldsets = [
        (_("Договор"), {"fields": _main + ["rent"]}),
        (_("Условия оплаты"), {"fields": _terms, "expanded": True}),
        (_("Пени за просрочку"), {"fields": _penalties, "expanded": True}),
        (_("Индексация арендной платы"), {"fields": _indexation, "expanded": True}),
        (_("Уведомления и интеграции"), {"fields": _notify, "expanded": True}),
    ]
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "executor": [["is_executor", FilterEqual, True]],
        "customer": [["is_customer", FilterEqual, True]],
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "status": SelectField(_("Статус"), choices=enum_choices(ContractStatus), default=ContractStatus.DRAFT.value),
        "vat_mode": SelectField(_("НДС"), choices=enum_choices(VatMode), default=VatMode.ON_TOP.value),
        "billing_period": SelectField(
            _("Расчётный период"), choices=enum_choices(BillingPeriod), default=BillingPeriod.CALENDAR_MONTH.value
        ),
        "invoiced_period": SelectField(
            _("Счёт выставляется за"), choices=enum_choices(InvoicedPeriod), default=InvoicedPeriod.NEXT.value
        ),
        "penalty_mode": SelectField(_("Пени"), choices=enum_choices(PenaltyMode), default=PenaltyMode.NONE.value),
        "indexation_mode": SelectField(_("Индексация аренды"), choices=enum_choices(IndexationMode), default=IndexationMode.NONE.value),
        "penalty_grace_days": IntegerField(
            _("Льготных дней"), default=0, validators=[Optional(), NumberRange(min=0)], filters=[lambda v: 0 if v is None else v],
        ),
    }
    description_columns = {
        "monthly_rent": _("Пусто — считается по помещениям: площадь × ставка ÷ 12"),
        "end_date": _("Пусто — бессрочный договор"),
        "invoice_day": _("В какой день месяца выставлять счёт"),
        "payment_day": _("Если задано, срок оплаты — это число месяца, а не N дней"),
        "vat_rate": _("Доля: 0.20 — это 20 %"),
        "penalty_rate": _("Процент в день от неоплаченной суммы: 0.1 — это 0,1 % в день"),
        "penalty_grace_days": _("Дней после срока оплаты, за которые пени не начисляются"),
        "penalty_cap_percent": _("Пени по счёту не больше этого процента его суммы; пусто — без ограничения"),
        "penalty_monthly": _("1-го числа ночное задание выставляет счёт на пени за прошлые дни"),
        "indexation_percent": _("Для фиксированной индексации: 5 — это 5 % в год"),
        "indexation_month": _("С 1-го числа этого месяца (1–12) действует новая ставка; не чаще раза в год (ст. 614 ГК РФ)"),
    }
    formatters_columns = {
        "status": enum_label(ContractStatus),
        "vat_mode": enum_label(VatMode),
        "billing_period": enum_label(BillingPeriod),
        "invoiced_period": enum_label(InvoicedPeriod),
        "penalty_mode": enum_label(PenaltyMode),
        "penalty_monthly": yes_no,
        "indexation_mode": enum_label(IndexationMode),
        "date": date_ru,
        "start_date": date_ru,
        "end_date": date_ru,
        "rent": money,
        "monthly_rent": money,
        "deposit_amount": money,
        "vat_rate": percent,
        "has_original": yes_no,
        "autosend_documents": yes_no,
    }

    show_template = "arenda/contract_show.html"
    # A deposit operation is money work (Payment write, checked inside), done from the card that
    # the Accountant only reads.
    method_permission_name = compressed_permissions(extra_read=("claim", "deposit_pdf", "deposit_operation"),
                                                    extra_write=("charge_penalty",))

    def contract_of(self, item):
        return item

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        contract = self.datamodel.get(pk, self._base_filters)
        rows, others = schedule.overview(self.datamodel.session, contract, today())
        new = {
            name: url_for(f"{view}.add", _flt_0_contract=contract.id)
            for name, view, resource in (("invoice", "InvoiceView", P.RESOURCE_INVOICE), ("act", "ActView", P.RESOURCE_ACT))
            if may(P.CAN_WRITE, resource)
        }
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, related_views=self._related_views,
            contract=contract, permanent_link=url_for("contract_link.contract_link", key=contract.link_key, _external=True), schedule_rows=rows, other_documents=others, new_document=new,
            buttons_for=buttons_for, csrf_token=generate_csrf(), money=money, date_ru=date_ru,
            invoice_status=enum_label(InvoiceStatus), act_status=enum_label(ActStatus), kind=enum_label(DocumentKind),
            penalty=self._penalty(contract), may_charge=may(P.CAN_WRITE, P.RESOURCE_INVOICE),
            **self._deposit(contract), **self._indexation(contract),
            payment_state=enum_label(PaymentState), debt=balances.debt(self.datamodel.session, today(), contract_id=contract.id),
            next_documents=balances.next_documents(self.datamodel.session, contract.id, today()),
        )

    def _indexation(self, contract):
        """The card's indexation block: the next change, and the drafts with their letters."""
        if contract.indexation_mode in (None, IndexationMode.NONE.value):
            return {"indexation": None}
        drafts = sorted((a for a in contract.agreements if a.indexation), key=lambda a: a.start_date, reverse=True)
        return {"indexation": {"next": indexation.next_change(contract, today()), "drafts": drafts,
                               "mode": IndexationMode.label_of(contract.indexation_mode)}}

    def _deposit(self, contract):
        """The card's deposit block: None when the contract has no deposit and nothing was done with one."""
        found = deposits.state(self.datamodel.session, contract)
        if not found.agreed and not found.received and not found.operations:
            return {"deposit": None}
        may_deposit = may(P.CAN_WRITE, P.RESOURCE_PAYMENT)
        return dict(deposit=found, may_deposit=may_deposit, deposit_kinds=DepositOperationKind.choices(),
                    deposit_kind=enum_label(DepositOperationKind),
                    deposit_invoices=deposits.open_invoices(self.datamodel.session, contract) if may_deposit else [])

    def _penalty(self, contract):
        """The penalty accrued today (None without penalty terms or when a key rate is missing)."""
        if contract.penalty_mode == PenaltyMode.NONE.value:
            return None
        try:
            return penalties.penalty_on(self.datamodel.session, contract, today())
        except DomainError:
            return None

    def _back_to_card(self, pk):
        return redirect(url_for(".show", pk=pk))

    @expose("/penalty/<int:pk>", methods=["POST"])
    @has_access
    @transaction(_back_to_card)
    def charge_penalty(self, pk):
        """«Выставить пени»: a penalty invoice for what accrued and was not charged yet."""
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None:
            abort(404)
        if not may(P.CAN_WRITE, P.RESOURCE_INVOICE):
            abort(403)
        invoice = penalties.charge(self.datamodel.session, contract, today())
        done(gettext("Выставлен счёт на пени № %(number)s на %(amount)s", number=invoice.number, amount=money(invoice.amount)))
        return redirect(url_for("InvoiceView.show", pk=invoice.id))

    @expose("/claim/<int:pk>.pdf", methods=["GET"])
    @has_access
    def claim(self, pk):
        """The claim letter (претензия): the overdue invoices and the penalty accrued today."""
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None or contract.penalty_mode == PenaltyMode.NONE.value:
            abort(404)
        try:
            found = penalties.penalty_on(self.datamodel.session, contract, today())
        except DomainError as error:
            flash(gettext(str(error)), "danger")
            return self._back_to_card(pk)
        data = pdf.claim_pdf(found)
        return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"pretenziya-{contract.id}.pdf")


    @expose("/deposit/<int:pk>", methods=["POST"])
    @has_access
    @transaction(_back_to_card, prefix=N_("Обеспечительный платёж:"))
    def deposit_operation(self, pk):
        """An offset of the held deposit against a chosen invoice, or its refund, dated today."""
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None:
            abort(404)
        if not may(P.CAN_WRITE, P.RESOURCE_PAYMENT):
            abort(403)
        invoice = request.form.get("invoice", "")
        operation = deposits.record(
            self.datamodel.session, contract, request.form.get("kind"), request.form.get("amount", ""), today(),
            invoice_id=int(invoice) if invoice.isdigit() else None, user_id=current_user_id(),
            comment=request.form.get("comment", "").strip(),
        )
        done(gettext("%(kind)s: %(amount)s, уведомление № %(number)s",
                     kind=DepositOperationKind.label_of(operation.kind), amount=money(operation.amount), number=operation.id))
        return self._back_to_card(pk)

    @expose("/deposit/<int:pk>/<int:operation>.pdf", methods=["GET"])
    @has_access
    def deposit_pdf(self, pk, operation):
        """The notice of one deposit operation (зачёт or возврат)."""
        contract = self.datamodel.get(pk, self._base_filters)
        found = deposits.state(self.datamodel.session, contract) if contract is not None else None
        chosen = next((op for op in found.operations if op.id == operation), None) if found else None
        if chosen is None:
            abort(404)
        data = pdf.deposit_operation_pdf(chosen, found.after(chosen))
        return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"deposit-{contract.id}-{operation}.pdf")


def register(appbuilder):
    category = dict(category=P.MENU_CONTRACTS, category_label=_("Договоры"), category_icon="fa-file-text-o")
    appbuilder.add_view(ContractView, P.RESOURCE_CONTRACT, label=_("Договоры"), icon="fa-file-text-o", **category)
    appbuilder.add_view(AgreementView, P.RESOURCE_AGREEMENT, label=_("Доп. соглашения"), icon="fa-files-o", **category)
    for view in (ContractRoomView, ContractServiceView, ContractStatusChangeView, AgreementRoomView):
        appbuilder.add_view_no_menu(view)
