"""Настройки: the rules for card payments, portal settings (views.portal_settings), mail settings,
the notification outbox; Тариф: the account's tariff."""
from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import SimpleFormView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterNotEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from wtforms import FieldList, Form, FormField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from app import permissions as P
from app.domain import card_payments, validation
from app.domain.enums import NotifyEvent, OutboxStatus, TariffPeriod
from app.extensions import db
from app.models import Account, CpiIndex, KeyRate, OutboxMessage
from app.notify import events, outbox, sender, settings
from app.notify.channels import DeliveryError
from app.timeutil import today
from app.views.base import ArendaModelView, FieldRules, compressed_permissions
from app.views.formatters import date_ru, enum_choices, enum_label, moment, money, short, yes_no
from app.views import portal_settings
from app.views.pages import ArendaPage, done, transaction


def resend_messages(view, items):
    """The «Отправить ещё раз» action of an outbox list (notifications, webhook deliveries)."""
    items = items if isinstance(items, list) else [items]
    count = outbox.resend(view.datamodel.session, [item.id for item in items])
    view.datamodel.session.commit()
    flash(gettext("Поставлено в очередь на отправку: %(count)s", count=count), "info")
    view.update_redirect()
    return redirect(view.get_redirect())


class OutboxView(ArendaModelView):
    datamodel = SQLAInterface(OutboxMessage)
    class_permission_name = P.RESOURCE_OUTBOX
    method_permission_name = compressed_permissions(extra_write=("resend",))
    exclude_route_methods = {"add", "edit"}  # messages come from events, not forms
    base_filters = [["channel", FilterNotEqual, "webhook"]]  # webhook deliveries have their own list (views.integrations)
    list_template = "arenda/outbox_list.html"
    list_title = _("Уведомления")
    show_title = _("Уведомление")
    list_columns = ["created_at", "event", "recipient", "subject", "status", "attempts", "last_error", "sent_at"]
    search_columns = ["event", "recipient", "subject", "status", "trigger_date", "created_at"]
    show_columns = [
        "created_at", "event", "object_ref", "trigger_date", "recipient", "sender_name", "reply_to", "subject", "status",
        "attempts", "last_error", "next_attempt_at", "sent_at", "body_text",
    ]
    order_columns = ["created_at", "event", "recipient", "status", "attempts", "sent_at"]
    base_order = ("created_at", "desc")
    label_columns = {"trigger_date": _("День уведомления")}
    formatters_columns = {
        "status": enum_label(OutboxStatus), "event": enum_label(NotifyEvent), "trigger_date": date_ru,
        "created_at": moment, "sent_at": moment, "next_attempt_at": moment,
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The list's one-click status filters: the URL argument of "status equals" (its index is FAB's).
        status_filters = self._filters.get_search_filters()["status"]
        index = next(i for i, f in enumerate(status_filters) if isinstance(f, FilterEqual))
        self.extra_args = {"status_arg": f"_flt_{index}_status", "status_choices": enum_choices(OutboxStatus)}
        self.formatters_columns["last_error"] = short

    @action("resend", _("Отправить ещё раз"), _("Отправить выбранные уведомления ещё раз?"), "fa-repeat")
    def resend(self, items):
        return resend_messages(self, items)


class TariffView(ArendaModelView):
    """The account's tariff; a change is notified to every Owner and Tariff & Payment user
    (app.notify.hooks notices it when it is saved)."""

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


FROM_ENVIRONMENT = ""
_FLAG_CHOICES = [(FROM_ENVIRONMENT, _("Как в окружении")), ("true", _("Да")), ("false", _("Нет"))]


class MailSettingsForm(DynamicForm):
    MAIL_SERVER = StringField(_("SMTP-сервер"))
    MAIL_PORT = IntegerField(_("Порт"), validators=[Optional(), NumberRange(1, 65535)])
    MAIL_USE_TLS = SelectField(_("STARTTLS"), choices=_FLAG_CHOICES)
    MAIL_USE_SSL = SelectField(_("SSL"), choices=_FLAG_CHOICES)
    MAIL_USERNAME = StringField(_("Пользователь SMTP"))
    MAIL_PASSWORD = PasswordField(_("Пароль SMTP"))
    MAIL_DOMAIN = StringField(_("Почтовый домен"))
    PUBLIC_EMAIL = StringField(_("Публичный email"), validators=[FieldRules([validation.email])])

    def validate_MAIL_USE_SSL(self, field):
        if field.data == "true" and self.MAIL_USE_TLS.data == "true":
            raise ValidationError(gettext("Выберите что-то одно: STARTTLS или SSL"))


class MailSettingsView(SimpleFormView):
    """SMTP, the mail domain and the public email (Owner only): saved values override the
    environment, blank ones fall back to it; a button sends a test email at once."""

    route_base = "/mailsettings"
    class_permission_name = P.RESOURCE_SETTINGS
    base_permissions = [P.CAN_READ, P.CAN_WRITE]
    method_permission_name = {"this_form_get": "read", "this_form_post": "write", "send_test": "write"}
    form = MailSettingsForm
    form_title = _("Настройки почты")
    form_template = "arenda/mail_settings.html"

    def form_get(self, form):
        stored = settings.saved(db.session)
        for key in settings.KEYS:
            field = form[key]
            default = current_app.config.get(key)
            if key != settings.SECRET:
                field.data = stored.get(key, FROM_ENVIRONMENT if field.type == "SelectField" else None)
            shown = ("••••" if default else "") if key == settings.SECRET else yes_no(default) if isinstance(default, bool) else default
            field.description = gettext("Из окружения: %(value)s", value=shown if shown not in (None, "") else "—")
        form.MAIL_DOMAIN.description += ". " + gettext("Письма арендаторам уходят от robot@домен")
        if stored.get(settings.SECRET):
            form.MAIL_PASSWORD.description += ". " + gettext("Пароль сохранён; пустое поле его не меняет")

    def form_post(self, form):
        settings.save(db.session, {key: form[key].data for key in settings.KEYS}, current_app.config["SECRET_KEY"])
        db.session.commit()
        flash(gettext("Настройки почты сохранены"), "info")

    @expose("/test", methods=["POST"])
    @has_access
    @transaction(refused=lambda self: redirect(url_for(f"{type(self).__name__}.this_form_get")))
    def send_test(self):
        address = request.form.get("to", "").strip()
        problem = gettext("Укажите адрес получателя") if not address else validation.email(address, None)
        if problem:
            done(gettext(problem), "danger")
        else:
            try:
                sender.send_now(db.session, address, events.trial_message(today()))
                done(gettext("Проверочное письмо отправлено на %(address)s", address=address), "info")
            except DeliveryError as error:
                done(gettext("Письмо не отправлено: %(error)s", error=str(error)), "danger")
        return redirect(url_for(f"{type(self).__name__}.this_form_get"))

    def render_template(self, template, **kwargs):
        return super().render_template(template, test_address=getattr(g.user, "email", ""), csrf_token=generate_csrf, **kwargs)


class CardRuleForm(Form):
    bank = StringField(_("Банк"))
    inn = StringField(_("ИНН банка"))
    pattern = StringField(_("Шаблон (регулярное выражение с группой name)"))


class CardRulesForm(DynamicForm):
    rules = FieldList(FormField(CardRuleForm))


class CardRulesView(ArendaPage):
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
    @transaction(refused=lambda self: self._render(CardRulesForm()))
    def save(self):
        form = CardRulesForm()
        rules = [card_payments.Rule(e.data["bank"].strip(), e.data["inn"].strip(), e.data["pattern"].strip())
                 for e in form.rules.entries if any((e.data[k] or "").strip() for k in ("bank", "inn", "pattern"))]
        card_payments.save(db.session, rules)
        done(gettext("Правила сохранены"))
        return redirect(url_for(".rules"))

    @expose("/reset", methods=["POST"])
    @has_access
    @transaction(refused=lambda self: redirect(url_for(".rules")))
    def reset(self):
        card_payments.reset(db.session)
        done(gettext("Восстановлены правила по умолчанию"))
        return redirect(url_for(".rules"))


class KeyRateView(ArendaModelView):
    """Настройки → Ключевая ставка: the Bank of Russia key rates the Owner adds when the bank
    changes it, on top of the history shipped with the code (app/domain/data/key_rates.csv);
    a rate given for a shipped date replaces it. Penalties under ст. 395 ГК РФ read both."""

    datamodel = SQLAInterface(KeyRate)
    class_permission_name = P.RESOURCE_SETTINGS
    list_title = _("Ключевая ставка Банка России")
    show_title = add_title = edit_title = _("Ключевая ставка")
    list_columns = ["start_date", "rate", "updated_at"]
    add_columns = edit_columns = show_columns = ["start_date", "rate"]
    base_order = ("start_date", "desc")
    label_columns = {"start_date": _("Действует с"), "rate": _("Ставка, % годовых")}
    description_columns = {
        "rate": _("История ставок до 27.10.2025 уже встроена (источник: cbr.ru); здесь добавляйте новые решения Банка России"),
    }
    formatters_columns = {"start_date": date_ru}


class CpiIndexView(ArendaModelView):
    """Настройки → Индекс потребительских цен: Rosstat's yearly CPI, entered by the Owner when it
    is published; contracts indexed by CPI use the previous year's (app.domain.indexation)."""

    datamodel = SQLAInterface(CpiIndex)
    class_permission_name = P.RESOURCE_SETTINGS
    list_title = _("Индекс потребительских цен (Росстат)")
    show_title = add_title = edit_title = _("Индекс потребительских цен")
    list_columns = ["year", "percent", "updated_at"]
    add_columns = edit_columns = show_columns = ["year", "percent"]
    base_order = ("year", "desc")
    label_columns = {"year": _("Год"), "percent": _("Рост цен за год, %")}
    description_columns = {
        "percent": _("Декабрь к декабрю предыдущего года по данным Росстата: 7.5 — это рост на 7,5 %. "
                     "Индексация по ИПЦ в году N берёт индекс года N−1"),
    }


def register(appbuilder):
    category = dict(category=P.MENU_SETTINGS, category_label=_("Настройки"), category_icon="fa-cog")
    appbuilder.add_view(KeyRateView, "KeyRate", label=_("Ключевая ставка"), icon="fa-percent", **category)
    appbuilder.add_view(CpiIndexView, "CpiIndex", label=_("Индекс потребительских цен"), icon="fa-line-chart", **category)
    appbuilder.add_view(CardRulesView, P.RESOURCE_CARD_RULES, label=_("Правила для платежей с карт"), icon="fa-credit-card",
                        **category)
    portal_settings.register(appbuilder, **category)
    appbuilder.add_view(MailSettingsView, "Mail", label=_("Почта"), icon="fa-server", **category)
    appbuilder.add_view(OutboxView, P.RESOURCE_OUTBOX, label=_("Уведомления"), icon="fa-envelope", **category)
    appbuilder.add_view(
        TariffView, P.RESOURCE_TARIFF, label=_("Тариф"), icon="fa-credit-card",
        category=P.MENU_TARIFF, category_label=_("Тариф"), category_icon="fa-credit-card",
    )
