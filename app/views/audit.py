"""Настройки → «Журнал изменений» (Owner only): the audit log (app.hooks.audit) with filters by
who, when, object kind, door and action, and «Экспорт в Excel»; read-only, the log is history."""
import functools
from datetime import date, datetime
from types import SimpleNamespace

from flask import current_app
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup

from app import permissions as P
from app.domain.enums import AuditAction, AuditDoor
from app.models import AuditEntry
from app.models.audit import BATCH_COUNT, SECRET, change_list, kind_choices, kind_label
from app.views.base import ArendaModelView
from app.views.formatters import date_ru, enum_label, moment, short
from app.views.labels import LABELS

# Columns the shared labels (views/labels.py) do not name, as the log shows them.
COLUMN_LABELS = {
    "first_name": _("Имя"), "last_name": _("Фамилия"), "username": _("Логин"), "password": _("Пароль"),
    "roles": _("Роли"), "active": _("Доступ открыт"), "url": _("Адрес (URL)"), "secret": _("Секрет подписи"),
    "end_in_force": _("Действует до (с учётом соглашений)"),
}


def column_label(column):
    """A column's label; a foreign key is its relation's («Заказчик, id»)."""
    if column in COLUMN_LABELS or column in LABELS:
        return str(COLUMN_LABELS.get(column) or LABELS[column])
    stem = column.removesuffix("_id")
    if stem != column and stem in LABELS:
        return f"{LABELS[stem]}, id"
    return column


@functools.cache
def _enums():
    """{column: [enum classes]} as the admin's own lists label them (their formatters' `enum`)."""
    found = {}
    for view in current_app.appbuilder.baseviews:
        for column, formatter in (getattr(view, "formatters_columns", None) or {}).items():
            enum_cls = getattr(formatter, "enum", None)
            if isinstance(enum_cls, type) and enum_cls not in found.setdefault(column, []):
                found[column].append(enum_cls)
    return found


def _shown(column, value):
    if value is None or value == "" or value == []:
        return "—"
    if value == SECRET:
        return gettext("скрыто")
    if isinstance(value, bool):
        return gettext("Да") if value else gettext("Нет")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    for enum_cls in _enums().get(column, ()):
        if value in enum_cls.values():
            return gettext(enum_cls.label_of(value))
    return _russian_date(value) or short(str(value))


def _russian_date(value):
    """A date or moment stored as ISO text (the log keeps JSON), as the admin shows them."""
    if not isinstance(value, str) or not value[:4].isdigit() or value[4:5] != "-":
        return None
    try:
        return date_ru(date.fromisoformat(value)) if len(value) == 10 else moment(datetime.fromisoformat(value))
    except ValueError:
        return None


def _lines(entry_changes):
    """[(label, old shown or None, new shown)] of an entry's stored changes (JSON text): a row
    created or deleted (every old, or every new, value empty) shows its values alone."""
    changes = change_list(entry_changes)
    created = all(old is None for _, old, _ in changes)
    deleted = all(new is None for _, _, new in changes)
    lines = []
    for column, old, new in changes:
        if column == BATCH_COUNT:
            lines.append((gettext("Записано строк"), None, str(new)))
        elif created or deleted:
            lines.append((column_label(column), None, _shown(column, new if created else old)))
        else:
            lines.append((column_label(column), _shown(column, old), _shown(column, new)))
    return lines


def changes_html(value):
    rows = [Markup("<b>{}</b>: {}").format(label, new if old is None else Markup("{} → {}").format(old, new))
            for label, old, new in _lines(value)]
    return Markup("<br>").join(rows)


def changes_text(value):
    return "; ".join(f"{label}: {new}" if old is None else f"{label}: {old} → {new}" for label, old, new in _lines(value))


def kind_text(value):
    return gettext(kind_label(value)) if value else ""


# The Excel export writes a column's text through its formatter's `enum.label_of` (views/excel.py).
changes_html.enum = SimpleNamespace(label_of=changes_text)
# The kind's `choices` make it a select of labels in the search form, as door and action (views.base).
kind_text.enum = SimpleNamespace(label_of=kind_label, choices=kind_choices)


class AuditView(ArendaModelView):
    datamodel = SQLAInterface(AuditEntry)
    class_permission_name = P.RESOURCE_AUDIT
    base_permissions = [P.CAN_READ]
    exclude_route_methods = {"add", "edit", "delete"}  # the log is history: written by app.hooks.audit only
    list_title = _("Журнал изменений")
    show_title = _("Запись журнала")
    list_columns = ["moment", "user_name", "door", "action", "kind", "object_id", "changes"]
    show_columns = list_columns
    search_columns = ["moment", "user", "door", "action", "kind", "object_id"]
    order_columns = ["moment", "user_name", "door", "action", "kind"]
    base_order = ("moment", "desc")
    label_columns = {
        "moment": _("Когда"), "user_name": _("Кто"), "user": _("Кто"), "door": _("Откуда"), "action": _("Действие"),
        "kind": _("Объект"), "object_id": _("Код объекта"), "changes": _("Изменения (было → стало)"),
    }
    formatters_columns = {
        "moment": moment, "door": enum_label(AuditDoor), "action": enum_label(AuditAction), "kind": kind_text,
        "changes": changes_html,
    }


def register(appbuilder):
    appbuilder.add_view(AuditView, P.RESOURCE_AUDIT, label=_("Журнал изменений"), icon="fa-history",
                        category=P.MENU_SETTINGS)
