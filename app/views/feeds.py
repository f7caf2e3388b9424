"""Настройки сайта: «XML-фиды» (buildings and floors in the feeds, each floor's mode, the secret
URLs with a copy button and «new link») and «Заявки с сайта» (the feedback form's inquiries)."""
from flask import redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from app import addresses
from app import permissions as P
from app.domain import feeds, settings, validation
from app.domain.enums import N_, FeedMode, InquiryStatus
from app.errors import DomainError
from app.extensions import db
from app.models import Building, Floor, Inquiry
from app.views.base import ArendaModelView
from app.views.formatters import enum_choices, enum_label, moment, short
from app.views.pages import ArendaPage, done, transaction


def _back(self, *args, **kwargs):
    return redirect(url_for("FeedSettingsView.show"))


class FeedSettingsView(ArendaPage):
    route_base = "/feedsettings"
    default_view = "show"
    class_permission_name = P.RESOURCE_FEEDS
    method_permission_name = {"show": "read", "save": "write", "regenerate": "write"}

    @expose("/")
    @has_access
    def show(self):
        session = db.session
        buildings = session.scalars(select(Building).order_by(Building.name).options(
            selectinload(Building.floors).selectinload(Floor.section))).all()
        base = addresses.base_url(session)
        urls = feeds.secret_urls(session, base)
        session.commit()  # tokens made on first view are kept
        chosen = feeds.selected_building_ids(session)
        return self.render_template(
            "arenda/feed_settings.html", buildings=buildings, chosen=chosen, urls=urls, labels=feeds.FEED_LABELS,
            modes=enum_choices(FeedMode), phone=feeds.phone(session) or "",
            managers=feeds.managers(session), manager_phones=feeds.manager_phones(session),
            base_url=feeds.base_url(session, None), csrf_token=generate_csrf(),
        )

    @expose("/save", methods=["POST"])
    @has_access
    @transaction(_back)
    def save(self):
        session = db.session
        phone = request.form.get("phone", "").strip()
        base = request.form.get("base_url", "").strip()
        managers = {user.id: request.form.get(f"manager-phone-{user.id}", "").strip() for user in feeds.managers(session)}
        problem = next((p for p in map(feeds.phone_problem, [phone, *managers.values()]) if p), None)
        problem = problem or validation.web_address(base, None)
        if problem:
            raise DomainError(problem)
        settings.put(session, feeds.PHONE_KEY, phone)
        settings.put(session, feeds.BASE_URL_KEY, base.rstrip("/"))
        feeds.save_manager_phones(session, managers)
        feeds.select_buildings(session, [int(v) for v in request.form.getlist("building") if v.isdigit()])
        ticked = {int(v) for v in request.form.getlist("floor") if v.isdigit()}
        for floor in session.scalars(select(Floor)):
            floor.in_feed = floor.id in ticked
            mode = request.form.get(f"mode-{floor.id}")
            if mode in FeedMode.values():
                floor.feed_mode = mode
        done(gettext("Настройки фидов сохранены"), "info")
        return _back(self)

    @expose("/regenerate/<kind>", methods=["POST"])
    @has_access
    @transaction(_back)
    def regenerate(self, kind):
        if kind not in feeds.FEEDS:
            raise DomainError(N_("Нет такого фида"))
        feeds.regenerate(db.session, kind)
        done(gettext("Новая ссылка фида %(name)s создана; старая больше не работает", name=feeds.FEED_LABELS[kind]), "info")
        return _back(self)


class InquiryView(ArendaModelView):
    datamodel = SQLAInterface(Inquiry)
    class_permission_name = P.RESOURCE_INQUIRY
    exclude_route_methods = {"add"}  # inquiries come from the site's form
    list_title = _("Заявки с сайта")
    show_title = _("Заявка с сайта")
    edit_title = _("Заявка: статус")
    list_columns = ["created", "building", "section", "name", "phone", "email", "message", "status"]
    search_columns = ["status", "building", "name", "phone", "email", "created"]
    show_columns = ["created", "building", "section", "name", "phone", "email", "message", "status", "address"]
    edit_columns = ["status"]
    order_columns = ["created", "name", "status"]
    base_order = ("created", "desc")
    label_columns = {"created": _("Получена"), "name": _("Имя"), "message": _("Сообщение"), "address": _("IP-адрес отправителя")}
    formatters_columns = {"status": enum_label(InquiryStatus), "created": moment, "message": short}

    edit_form_extra_fields = {"status": SelectField(_("Статус"), choices=enum_choices(InquiryStatus))}


def register(appbuilder):
    category = dict(category=P.MENU_SITE, category_label=_("Настройки сайта"), category_icon="fa-globe")
    appbuilder.add_view(InquiryView, P.RESOURCE_INQUIRY, label=_("Заявки с сайта"), icon="fa-inbox", **category)
    appbuilder.add_view(FeedSettingsView, P.RESOURCE_FEEDS, label=_("XML-фиды"), icon="fa-rss", **category)
