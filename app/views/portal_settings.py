"""Настройки → Настройки портала: the settings of no page of their own as one form, a labelled
field of its type per setting with a help line, checked by the domain's rules and saved through
`app.domain.settings.save` (the audit log sees each change; a blank secret keeps its value)."""
from flask import flash, redirect, url_for
from flask_appbuilder import SimpleFormView
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms import IntegerField, PasswordField, StringField, URLField
from wtforms.validators import Length, NumberRange, Optional, Regexp
from wtforms.widgets import NumberInput, PasswordInput, TextInput, URLInput

from app import permissions as P
from app.domain import amocrm, feeds, indexation, settings, validation
from app.extensions import db
from app.imports import loader
from app.views.base import FieldRules
from app.views.widgets import FormControl

# form field → setting key
KEYS = {
    "base_url": feeds.BASE_URL_KEY,
    "phone": feeds.PHONE_KEY,
    "import_max_mb": loader.SIZE_SETTING,
    "indexation_days_ahead": indexation.DAYS_AHEAD_KEY,
    "amocrm_subdomain": amocrm.SUBDOMAIN_KEY,
    "amocrm_token": amocrm.TOKEN_KEY,
}
SECRETS = {"amocrm_token"}


def _whole(low, high):
    return [Optional(), NumberRange(low, high, message=_("Укажите целое число от %(min)s до %(max)s"))]


class PortalSettingsForm(DynamicForm):
    base_url = URLField(_("Адрес портала"), widget=FormControl(URLInput()), validators=[FieldRules([validation.web_address])], description=_(
        "Адрес, по которому портал открывают снаружи: ссылки в XML-фидах, фото помещений, вебхук amoCRM. "
        "Пусто — PUBLIC_URL из окружения, иначе адрес, по которому открыта страница"))
    phone = StringField(_("Телефон в объявлениях"), widget=FormControl(TextInput()), validators=[FieldRules([lambda value, record: feeds.phone_problem(value)])],
                        description=_("Телефон в XML-фидах, когда у ответственного менеджера свой не указан, например +7 495 123-45-67"))
    import_max_mb = IntegerField(_("Наибольший размер выписки, МБ"), widget=FormControl(NumberInput(min=1, max=1000)), validators=_whole(1, 1000), description=_(
        "Файл выписки больше этого размера не загружается. Пусто — %(mb)s МБ", mb=loader.DEFAULT_MAX_MB))
    indexation_days_ahead = IntegerField(_("Проект допсоглашения об индексации, дней до неё"),
                                         widget=FormControl(NumberInput(min=1, max=365)), validators=_whole(1, 365),
                                         description=_("За сколько дней до даты индексации готовится проект допсоглашения. "
                                                       "Пусто — %(days)s", days=indexation.DAYS_AHEAD))
    amocrm_subdomain = StringField(_("Поддомен amoCRM"), widget=FormControl(TextInput()), validators=[FieldRules([lambda value, record: amocrm.subdomain_problem(
        (value or "").strip().lower())])], description=_("Только первая часть адреса: для example.amocrm.ru — example"))
    amocrm_token = PasswordField(_("Секрет вебхука amoCRM"), widget=FormControl(PasswordInput()), validators=[Optional(), Length(min=16, max=100, message=_(
        "Секрет — от %(min)s до %(max)s символов")), Regexp(r"^[A-Za-z0-9_\-]+$", message=_(
        "Секрет — латинские буквы, цифры, «-» и «_»"))], description=_(
        "Часть адреса вебхука; пустое поле оставляет сохранённый. Новый случайный — кнопкой на странице amoCRM"))


class PortalSettingsView(SimpleFormView):
    """The Owner's portal settings (others: 403, like every settings page)."""

    route_base = "/portalsettings"
    class_permission_name = P.RESOURCE_SETTINGS
    base_permissions = [P.CAN_READ, P.CAN_WRITE]
    method_permission_name = {"this_form_get": "read", "this_form_post": "write"}
    form = PortalSettingsForm
    form_title = _("Настройки портала")
    form_template = "arenda/portal_settings.html"
    form_fieldsets = [
        (_("Сайт"), {"fields": ["base_url", "phone"]}),
        (_("Деньги и договоры"), {"fields": ["import_max_mb", "indexation_days_ahead"]}),
        (_("amoCRM"), {"fields": ["amocrm_subdomain", "amocrm_token"]}),
    ]

    def form_get(self, form):
        for name, key in KEYS.items():
            if name not in SECRETS:
                form[name].data = settings.get(db.session, key)
        saved = settings.get(db.session, amocrm.TOKEN_KEY) is not None
        state = "{}: ••••".format(gettext("Сохранён")) if saved else gettext("Не задан")
        form.amocrm_token.description = "{}. {}".format(state, gettext(form.amocrm_token.description))

    def form_post(self, form):
        values = {key: form[name].data for name, key in KEYS.items()}
        values[feeds.BASE_URL_KEY] = (values[feeds.BASE_URL_KEY] or "").strip().rstrip("/")
        values[amocrm.SUBDOMAIN_KEY] = (values[amocrm.SUBDOMAIN_KEY] or "").strip().lower()
        settings.save(db.session, values)
        db.session.commit()
        flash(gettext("Настройки портала сохранены"), "info")
        return redirect(url_for(f"{type(self).__name__}.this_form_get"))


def register(appbuilder, **category):
    appbuilder.add_view(PortalSettingsView, P.MENU_ITEM_PORTAL_SETTINGS, label=_("Настройки портала"), icon="fa-cog",
                        **category)
