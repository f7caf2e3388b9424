"""Контрагенты: counterparties (executor and customer cards — a customer's with its money at a
glance, its reconciliation acts per executor and the deposits held), bank accounts, contact persons."""
from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from wtforms import SelectField, TextAreaField

from app import permissions as P
from app.domain import balances, deposits
from app.domain.enums import PartyKind, PaymentState
from app.hooks.history import KeepsHistory
from app.models import BankAccount, ContactPerson, Contract, Counterparty
from app.timeutil import today
from app.views.base import ArendaModelView
from app.views.formatters import date_ru, enum_choices, enum_label, money, percent, yes_no
from app.views.pages import may


class BankAccountView(KeepsHistory, ArendaModelView):
    datamodel = SQLAInterface(BankAccount)
    class_permission_name = P.RESOURCE_BANK_ACCOUNT
    entity = "bank_account"
    list_title = _("Банковские счета")
    show_title = _("Банковский счёт")
    add_title = _("Новый банковский счёт")
    edit_title = _("Изменить банковский счёт")
    list_columns = ["counterparty.name", "account", "bik", "bank_name"]
    search_columns = ["counterparty", "account", "bik", "bank_name"]
    add_columns = edit_columns = show_columns = ["counterparty", "account", "bik", "bank_name", "corr_account"]
    order_columns = ["account", "bik", "bank_name"]


class ContactPersonView(ArendaModelView):
    datamodel = SQLAInterface(ContactPerson)
    class_permission_name = P.RESOURCE_CONTACT
    entity = "contact_person"
    list_title = _("Контактные лица")
    show_title = _("Контактное лицо")
    add_title = _("Новое контактное лицо")
    edit_title = _("Изменить контактное лицо")
    list_columns = ["name", "position", "counterparty.name", "phone", "email"]
    search_columns = ["name", "position", "counterparty", "phone", "email"]
    add_columns = edit_columns = show_columns = ["counterparty", "name", "position", "phone", "email"]
    order_columns = ["name", "position"]


class CounterpartyView(KeepsHistory, ArendaModelView):
    datamodel = SQLAInterface(Counterparty)
    class_permission_name = P.RESOURCE_COUNTERPARTY
    entity = "counterparty"
    list_title = _("Контрагенты")
    show_title = _("Контрагент")
    add_title = _("Новый контрагент")
    edit_title = _("Изменить контрагента")
    related_views = [BankAccountView, ContactPersonView]
    list_columns = ["name", "kind", "inn", "kpp", "is_executor", "is_customer", "phone", "email"]
    search_columns = ["name", "full_name", "inn", "kpp", "kind", "is_executor", "is_customer", "email", "phone"]
    order_columns = ["name", "kind", "inn", "kpp", "is_executor", "is_customer"]
    base_order = ("name", "asc")
    _main = ["kind", "name", "full_name", "inn", "kpp", "ogrn", "address", "phone", "email", "comment"]
    _executor = ["is_executor", "doc_prefix", "reply_to_email", "default_vat_rate", "vat_invoices_enabled"]
    _customer = ["is_customer", "recipient_emails"]
    add_fieldsets = edit_fieldsets = show_fieldsets = [
        (_("Реквизиты"), {"fields": _main}),
        (_("Исполнитель (наше юрлицо)"), {"fields": _executor, "expanded": True}),
        (_("Заказчик (арендатор)"), {"fields": _customer, "expanded": True}),
    ]
    description_columns = {
        "doc_prefix": _("Счета и акты будут нумероваться так: А-1, А-2, … (1С ведёт свою нумерацию 1, 2, 3)"),
        "reply_to_email": _("Ответы арендаторов на письма с документами придут на этот адрес"),
        "default_vat_rate": _("Доля: 0.20 — это 20 %"),
        "recipient_emails": _("Адреса через запятую или по одному в строке; на них уходят счета и акты"),
        "inn": _("10 цифр для организации, 12 — для ИП и физического лица"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_("Вид"), choices=enum_choices(PartyKind), default=PartyKind.LEGAL.value),
        "recipient_emails": TextAreaField(_("Получатели документов"), widget=BS3TextAreaFieldWidget()),
    }
    formatters_columns = {
        "kind": enum_label(PartyKind),
        "is_executor": yes_no,
        "is_customer": yes_no,
        "vat_invoices_enabled": yes_no,
        "default_vat_rate": percent,
    }

    def _as_customer(self, party):
        """The customer's contracts by executor (for «Акт сверки») and the deposits held on them."""
        if party is None or not party.is_customer:
            return {"by_executor": []}
        session = self.datamodel.session
        contracts = session.scalars(select(Contract).where(Contract.customer_id == party.id).order_by(Contract.number)).all()
        held = deposits.held_by_contract(session, [c.id for c in contracts])
        by_executor = {}
        for contract in contracts:
            by_executor.setdefault(contract.executor, []).append(contract)
        return {"customer": party, "by_executor": list(by_executor.items()), "held": held,
                "may_reconcile": self.appbuilder.sm.has_access(P.CAN_READ, P.RESOURCE_ACT)}

    show_template = "arenda/counterparty_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The card; a customer's shows its balance, open invoices and recent money (for whoever
        may read invoices and money), its contracts per executor and the deposits held."""
        widgets = self._show(pk)
        party = self.datamodel.get(pk, self._base_filters)
        if party is None:
            abort(404)
        money_view = None
        if party.is_customer and may(P.CAN_READ, P.RESOURCE_INVOICE):
            session = self.datamodel.session
            money_view = dict(
                debt=balances.debt(session, today(), customer_id=party.id),
                unallocated=balances.unallocated(session, party) if may(P.CAN_READ, P.RESOURCE_PAYMENT) else None,
                invoices=balances.open_invoices(session, party.id),
                payments=balances.recent_payments(session, party) if may(P.CAN_READ, P.RESOURCE_PAYMENT) else [],
            )
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, related_views=self._related_views,
            party=party, card=money_view, money=money, date_ru=date_ru, payment_state=enum_label(PaymentState),
            today=today(), **self._as_customer(party),
        )


def register(appbuilder):
    category = dict(category=P.MENU_PARTIES, category_label=_("Контрагенты"), category_icon="fa-users")
    appbuilder.add_view(CounterpartyView, P.RESOURCE_COUNTERPARTY, label=_("Контрагенты"), icon="fa-users", **category)
    appbuilder.add_view(BankAccountView, P.RESOURCE_BANK_ACCOUNT, label=_("Банковские счета"), icon="fa-bank", **category)
    appbuilder.add_view(ContactPersonView, P.RESOURCE_CONTACT, label=_("Контактные лица"), icon="fa-address-book", **category)
