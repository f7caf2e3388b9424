"""Настройки → amoCRM (subdomain, the webhook URL and its regeneration, the stage mapping),
API-токены (the integration user's long-lived tokens: issued, shown once, revoked) and Вебхуки
(outgoing webhook endpoints and their deliveries, re-sendable). Owner only."""
import secrets

from flask import current_app, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import ApiKey, User
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from wtforms import SelectField

from app import addresses
from app import permissions as P
from app.domain import amocrm, settings
from app.domain.enums import AmocrmStatus, OutboxStatus, WebhookEvent
from app.errors import DomainError
from app.extensions import db
from app.models import AmocrmStage, OutboxMessage, WebhookEndpoint
from app.notify.webhooks import WEBHOOK
from app.views.base import ArendaModelView, compressed_permissions
from app.views.formatters import enum_choices, enum_label, moment, yes_no
from app.views.pages import ArendaPage, done, transaction
from app.views.settings import resend_messages

INTEGRATION_USER = "integration"


def public_webhook_url(token):
    return amocrm.webhook_url(addresses.base_url(db.session), token)


class RefusesOnSave:
    """Mix in before ArendaModelView: `refusal_check(item)` raises a DomainError (flashed) on add and edit."""

    def pre_add(self, item):
        super().pre_add(item)
        self.refusal_check(item)

    def pre_update(self, item):
        super().pre_update(item)
        self.refusal_check(item)


class AmocrmStageView(RefusesOnSave, ArendaModelView):
    datamodel = SQLAInterface(AmocrmStage)
    class_permission_name = P.RESOURCE_AMOCRM
    list_title = _("Этапы amoCRM → статусы договора")
    add_title = _("Новое сопоставление этапа")
    edit_title = show_title = _("Этап amoCRM")
    list_columns = ["pipeline_id", "status_id", "contract_status", "comment"]
    add_columns = edit_columns = show_columns = ["pipeline_id", "status_id", "contract_status", "comment"]
    label_columns = {"pipeline_id": _("Воронка (id)"), "status_id": _("Этап (id)"), "contract_status": _("Статус договора"),
                     "comment": _("Комментарий")}
    description_columns = {
        "pipeline_id": _("0 — этап в любой воронке (142 «Успешно реализовано» и 143 «Закрыто и не реализовано» есть в каждой)"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "contract_status": SelectField(_("Статус договора"), choices=enum_choices(AmocrmStatus)),
    }
    formatters_columns = {"contract_status": enum_label(AmocrmStatus)}

    def refusal_check(self, item):
        clash = self.datamodel.session.scalar(select(AmocrmStage.id).where(
            AmocrmStage.pipeline_id == (item.pipeline_id or 0), AmocrmStage.status_id == item.status_id,
            AmocrmStage.id != (item.id or 0)).execution_options(autoflush=False))
        if clash:
            raise DomainError(gettext("Этап %(stage)s воронки %(pipeline)s уже сопоставлен",
                                      stage=item.status_id, pipeline=item.pipeline_id or 0))
        item.pipeline_id = item.pipeline_id or 0


class AmocrmSettingsView(ArendaPage):
    route_base = "/settings/amocrm"
    class_permission_name = P.RESOURCE_AMOCRM
    method_permission_name = compressed_permissions(extra_read=("page",), extra_write=("save", "regenerate"))
    default_view = "page"

    @expose("/")
    @has_access
    def page(self):
        token = amocrm.webhook_token(db.session)
        db.session.commit()  # the first visit makes the secret
        stages = db.session.scalars(select(AmocrmStage).order_by(AmocrmStage.pipeline_id, AmocrmStage.status_id)).all()
        return self.render_template(
            "arenda/amocrm_settings.html", title=_("amoCRM"), webhook_url=public_webhook_url(token),
            subdomain=settings.get(db.session, amocrm.SUBDOMAIN_KEY) or "", stages=stages, csrf_token=generate_csrf(),
            status_label=enum_label(AmocrmStatus),
        )

    @expose("/", methods=["POST"])
    @has_access
    @transaction(refused=lambda self: redirect(url_for(".page")))
    def save(self):
        subdomain = (request.form.get("subdomain") or "").strip().lower()
        problem = amocrm.subdomain_problem(subdomain)
        if problem:
            raise DomainError(problem)
        settings.put(db.session, amocrm.SUBDOMAIN_KEY, subdomain)
        done(gettext("Настройки amoCRM сохранены"))
        return redirect(url_for(".page"))

    @expose("/regenerate", methods=["POST"])
    @has_access
    @transaction(refused=lambda self: redirect(url_for(".page")))
    def regenerate(self):
        amocrm.regenerate_token(db.session)
        done(gettext("Новый адрес вебхука создан; старый больше не работает — вставьте новый в amoCRM"), "warning")
        return redirect(url_for(".page"))


def integration_user(sm):
    """The staff member integrations act as (Manager rights; nobody knows its password)."""
    user = sm.find_user(username=INTEGRATION_USER)
    if user is None:
        user = sm.add_user(INTEGRATION_USER, "Интеграция", "amoCRM", "integration@localhost", sm.find_role(P.ROLE_MANAGER),
                           password=secrets.token_urlsafe(32))
        if not user:
            raise DomainError("Не удалось создать пользователя интеграции")
    return user


class ApiTokensView(ArendaPage):
    route_base = "/settings/api-tokens"
    class_permission_name = P.RESOURCE_API_TOKENS
    method_permission_name = compressed_permissions(extra_read=("page",), extra_write=("issue", "revoke"))
    default_view = "page"

    def _render(self, new_key=None):
        keys = db.session.scalars(select(ApiKey).join(User, ApiKey.user_id == User.id)
                                  .where(User.username == INTEGRATION_USER).order_by(ApiKey.id.desc())).all()
        return self.render_template("arenda/api_tokens.html", title=_("API-токены"), keys=keys, new_key=new_key,
                                    csrf_token=generate_csrf(), moment=moment, username=INTEGRATION_USER)

    @expose("/")
    @has_access
    def page(self):
        return self._render()

    @expose("/", methods=["POST"])
    @has_access
    @transaction(refused=lambda self: redirect(url_for(".page")))
    def issue(self):
        name = (request.form.get("name") or "").strip()[:200] or "amoCRM"
        sm = current_app.appbuilder.sm
        created = sm.create_api_key(integration_user(sm), name)
        if not created:
            raise DomainError("Не удалось выпустить токен")
        return self._render(new_key=created["key"])  # shown this once; only its hash is stored

    @expose("/revoke/<uuid>", methods=["POST"])
    @has_access
    @transaction(refused=lambda self, uuid: redirect(url_for(".page")))
    def revoke(self, uuid):
        if not current_app.appbuilder.sm.revoke_api_key(uuid):
            raise DomainError("Токен не найден")
        done(gettext("Токен отозван: запросы с ним больше не принимаются"))
        return redirect(url_for(".page"))


class WebhookEndpointView(RefusesOnSave, ArendaModelView):
    datamodel = SQLAInterface(WebhookEndpoint)
    class_permission_name = P.RESOURCE_WEBHOOKS
    list_title = _("Вебхуки")
    add_title = _("Новый вебхук")
    edit_title = show_title = _("Вебхук")
    list_columns = ["event", "url", "active", "created_at"]
    add_columns = ["event", "url", "active"]
    edit_columns = ["event", "url", "active"]
    show_columns = ["event", "url", "active", "secret", "created_at"]
    label_columns = {"event": _("Событие"), "url": _("Адрес (URL)"), "active": _("Включён"),
                     "secret": _("Секрет подписи (HMAC-SHA256)"), "created_at": _("Создан")}
    description_columns = {"url": _("POST с JSON; подпись — заголовок X-Arenda-Signature: sha256=<hex>")}
    add_form_extra_fields = edit_form_extra_fields = {"event": SelectField(_("Событие"), choices=enum_choices(WebhookEvent))}
    formatters_columns = {"event": enum_label(WebhookEvent), "active": yes_no, "created_at": moment}

    def refusal_check(self, item):
        if not (item.url or "").startswith(("http://", "https://")):
            raise DomainError("Адрес вебхука должен начинаться с http:// или https://")
        clash = self.datamodel.session.scalar(select(WebhookEndpoint.id).where(
            WebhookEndpoint.url == item.url, WebhookEndpoint.event == item.event, WebhookEndpoint.id != (item.id or 0)
        ).execution_options(autoflush=False))
        if clash:
            raise DomainError("Этот адрес уже подписан на это событие")


class WebhookDeliveryView(ArendaModelView):
    datamodel = SQLAInterface(OutboxMessage)
    class_permission_name = P.RESOURCE_WEBHOOKS
    method_permission_name = compressed_permissions(extra_write=("resend",))
    base_filters = [["channel", FilterEqual, WEBHOOK]]
    exclude_route_methods = {"add", "edit", "delete"}  # deliveries come from events
    list_title = _("Доставки вебхуков")
    show_title = _("Доставка вебхука")
    list_columns = ["created_at", "event", "recipient", "status", "attempts", "response", "sent_at"]
    search_columns = ["event", "recipient", "status", "created_at"]
    show_columns = ["created_at", "event", "object_ref", "recipient", "status", "attempts", "last_error", "response",
                    "next_attempt_at", "sent_at", "body_text"]
    base_order = ("created_at", "desc")
    label_columns = {"recipient": _("Адрес (URL)"), "response": _("Ответ получателя"), "object_ref": _("Событие (id)"),
                     "body_text": _("Тело (JSON)")}
    formatters_columns = {"status": enum_label(OutboxStatus), "event": enum_label(WebhookEvent), "created_at": moment,
                          "sent_at": moment, "next_attempt_at": moment}

    @action("resend", _("Отправить ещё раз"), _("Отправить выбранные доставки ещё раз?"), "fa-repeat")
    def resend(self, items):
        return resend_messages(self, items)


def register(appbuilder):
    category = dict(category=P.MENU_SETTINGS, category_label=_("Настройки"), category_icon="fa-cog")
    appbuilder.add_view(AmocrmSettingsView, P.RESOURCE_AMOCRM, label=_("amoCRM"), icon="fa-exchange", **category)
    appbuilder.add_view_no_menu(AmocrmStageView)
    appbuilder.add_view(ApiTokensView, P.RESOURCE_API_TOKENS, label=_("API-токены"), icon="fa-key", **category)
    appbuilder.add_view(WebhookEndpointView, P.RESOURCE_WEBHOOKS, label=_("Вебхуки"), icon="fa-share-square-o", **category)
    appbuilder.add_view(WebhookDeliveryView, "WebhookDeliveries", label=_("Доставки вебхуков"), icon="fa-paper-plane",
                        **category)
