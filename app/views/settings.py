"""Настройки: portal settings, the notification outbox; Тариф: the account's tariff."""
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from wtforms import SelectField

from app import permissions as P
from app.domain.enums import OutboxStatus, TariffPeriod
from app.models import Account, OutboxMessage, Setting
from app.views.base import ArendaModelView
from app.views.formatters import date_ru, enum_choices, enum_label, money


class SettingView(ArendaModelView):
    datamodel = SQLAInterface(Setting)
    class_permission_name = P.RESOURCE_SETTINGS
    list_title = _("Настройки портала")
    show_title = add_title = edit_title = _("Параметр")
    list_columns = ["key", "value", "updated_at"]
    add_columns = ["key", "value"]
    edit_columns = ["value"]
    show_columns = ["key", "value", "updated_at"]


class OutboxView(ArendaModelView):
    datamodel = SQLAInterface(OutboxMessage)
    class_permission_name = P.RESOURCE_OUTBOX
    exclude_route_methods = {"add", "edit"}  # messages come from events, not forms
    list_title = _("Уведомления")
    show_title = _("Уведомление")
    list_columns = ["created_at", "event", "recipient", "subject", "status", "attempts", "sent_at"]
    search_columns = ["event", "recipient", "subject", "status", "trigger_date", "created_at"]
    show_columns = [
        "created_at", "event", "object_ref", "trigger_date", "recipient", "subject", "status", "attempts",
        "last_error", "next_attempt_at", "sent_at", "body_text",
    ]
    order_columns = ["created_at", "event", "recipient", "status", "sent_at"]
    base_order = ("created_at", "desc")
    formatters_columns = {"status": enum_label(OutboxStatus), "trigger_date": date_ru}


class TariffView(ArendaModelView):
    datamodel = SQLAInterface(Account)
    class_permission_name = P.RESOURCE_TARIFF
    exclude_route_methods = {"add", "delete"}  # one account per installation
    list_title = show_title = _("Тариф")
    edit_title = _("Изменить тариф")
    list_columns = ["name", "plan_name", "billing_period", "price", "paid_until"]
    edit_columns = ["name", "plan_name", "billing_period", "price", "paid_until"]
    show_columns = list_columns
    label_columns = {"name": _("Аккаунт")}
    edit_form_extra_fields = {
        "billing_period": SelectField(_("Период оплаты"), choices=enum_choices(TariffPeriod)),
    }
    formatters_columns = {"billing_period": enum_label(TariffPeriod), "price": money, "paid_until": date_ru}


def register(appbuilder):
    category = dict(category=P.MENU_SETTINGS, category_label=_("Настройки"), category_icon="fa-cog")
    appbuilder.add_view(SettingView, P.RESOURCE_SETTINGS, label=_("Настройки портала"), icon="fa-cog", **category)
    appbuilder.add_view(OutboxView, P.RESOURCE_OUTBOX, label=_("Уведомления"), icon="fa-envelope", **category)
    appbuilder.add_view(
        TariffView, P.RESOURCE_TARIFF, label=_("Тариф"), icon="fa-credit-card",
        category=P.MENU_TARIFF, category_label=_("Тариф"), category_icon="fa-credit-card",
    )
