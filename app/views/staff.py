"""Сотрудники: FAB's user and role views in Russian, with the guards of app.domain.staff.

Staff are managed here only (the REST security API keeps login and refresh alone). Roles are
built-in (app.permissions), so their page is a read-only list of names; a staff member's card
shows the role names in Russian, never a permission regex. Groups are not used: their page only
lists any there are, so no role can be handed out through one.
"""
from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView, UserStatsChartView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms.validators import ValidationError

from app.domain import login_throttle, staff
from app.errors import DomainError
from app.extensions import db
from app.hooks.actor import current_user_id
from app.permissions import ROLE_LABELS
from app.views.formatters import blank_none, moment, yes_no


def role_label(role):
    return gettext(ROLE_LABELS.get(role.name, role.name))


def role_list(roles):
    return ", ".join(sorted(role_label(role) for role in roles or [])) or "—"


def _roles_required(form, field):
    if not field.data:
        raise ValidationError(gettext("Выберите хотя бы одну роль"))


STAFF_LABELS = {
    "first_name": _("Имя"), "last_name": _("Фамилия"), "username": _("Логин"), "email": _("Email"),
    "active": _("Доступ открыт"), "roles": _("Роли"), "password": _("Пароль"), "conf_password": _("Пароль ещё раз"),
    "get_full_name": _("Сотрудник"), "last_login": _("Последний вход"), "login_count": _("Входов"),
    "fail_login_count": _("Неудачных входов подряд"), "created_on": _("Создан"), "changed_on": _("Изменён"),
    "created_by": _("Кто создал"), "changed_by": _("Кто изменил"),
}
_FIELDS = ["first_name", "last_name", "username", "email", "active", "roles"]


class StaffView(UserDBModelView):
    """The staff list and card (Owner only): FAB's own user view, relabelled and guarded."""

    class_permission_name = "UserDBModelView"  # everyone's own card and password (app.permissions)

    list_title = _("Сотрудники")
    show_title = _("Сотрудник")
    add_title = _("Новый сотрудник")
    edit_title = _("Изменить сотрудника")
    user_info_title = _("Моя учётная запись")
    label_columns = STAFF_LABELS
    description_columns = {
        "active": _("Без доступа сотрудник не может войти; запись и её история остаются"),
        "roles": _("Что сотрудник может делать в системе"),
        "password": _("Не короче 10 символов"),
    }
    list_columns = _FIELDS
    search_columns = ["first_name", "last_name", "username", "email", "active"]
    edit_columns = _FIELDS
    add_columns = _FIELDS + ["password", "conf_password"]
    show_fieldsets = [
        (_("Учётная запись"), {"fields": ["username", "active", "roles", "login_count"]}),
        (_("Контакты"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (_("История"), {"fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on",
                                   "changed_by"], "expanded": False}),
    ]
    user_show_fieldsets = show_fieldsets[:2]
    validators_columns = {"roles": [_roles_required]}
    formatters_columns = {"active": yes_no, "roles": role_list, "last_login": moment, "created_on": moment,
                          "changed_on": moment, "created_by": blank_none, "changed_by": blank_none,
                          "login_count": blank_none, "fail_login_count": blank_none}

    def _init_forms(self):
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            form.roles.kwargs["get_label"] = role_label

    @action("unblock", _("Разблокировать вход"), _("Снять блокировку входа после неудачных попыток?"), "fa-unlock")
    def unblock(self, items):
        items = items if isinstance(items, list) else [items]
        for item in items:
            login_throttle.forget(db.session, item.username)
        db.session.commit()
        flash(gettext("Вход разблокирован: %(names)s", names=", ".join(item.username for item in items)), "info")
        self.update_redirect()
        return redirect(self.get_redirect())

    def pre_update(self, item):
        try:
            staff.check_update(db.session, item)
        except DomainError:
            db.session.rollback()  # the form was already copied onto the row: forget it
            raise
        super().pre_update(item)

    def pre_delete(self, item):
        staff.check_delete(db.session, item, current_user_id())
        super().pre_delete(item)


class StaffRoleView(RoleModelView):
    """The built-in roles by name: nothing to add, rename, copy or delete."""

    list_title = show_title = _("Роли")
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post"}
    list_widget = ListWidget  # FAB's plain list and card, not its permission tables
    show_widget = ShowWidget
    label_columns = {"name": _("Роль"), "user": _("Сотрудники")}
    list_columns = show_columns = ["name"]
    formatters_columns = {"name": lambda name: gettext(ROLE_LABELS.get(name, name))}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.actions.pop("copyrole", None)


class StaffGroupView(UserGroupModelView):
    """FAB's groups, read-only: roles are given to each staff member on their own card."""

    list_title = show_title = _("Группы")
    exclude_route_methods = {"add", "edit", "delete", "action", "action_post"}
    label_columns = {"name": _("Группа"), "label": _("Название"), "description": _("Описание"), "users": _("Сотрудники"),
                     "roles": _("Роли")}
    list_columns = ["name", "label", "roles"]
    show_columns = ["name", "label", "description", "users", "roles"]
    formatters_columns = {"roles": role_list}


class StaffStatsChartView(UserStatsChartView):
    """FAB's sign-in statistics of the staff, with its chart series named in Russian."""

    chart_title = _("Входы сотрудников")
    label_columns = {"username": _("Логин"), "login_count": _("Входов"), "fail_login_count": _("Неудачных входов подряд")}
    definitions = [
        {"label": _("Входов"), "group": "username", "series": ["login_count"]},
        {"label": _("Неудачных входов подряд"), "group": "username", "series": ["fail_login_count"]},
    ]
