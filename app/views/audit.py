"""Настройки → «Журнал изменений» (Owner only): the audit log (app.hooks.audit) with filters by
who, when, object kind, door and action, and «Экспорт в Excel»; read-only, the log is history."""
from types import SimpleNamespace

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from wtforms import SelectField

from app import permissions as P
from app.domain.enums import AuditAction, AuditDoor
from app.models import AuditEntry
from app.models.audit import BATCH_COUNT, SECRET, change_list, kind_choices, kind_label
from app.views.base import ArendaModelView
from app.views.formatters import enum_choices, enum_label, moment, short
from app.views.labels import LABELS

def _shown(value):
    if value is None or value == "" or value == []:
        return "—"
    if value == SECRET:
        return gettext("скрыто")
    if isinstance(value, bool):
        return gettext("Да") if value else gettext("Нет")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return short(str(value))


def _lines(entry_changes):
    """[(label, old shown, new shown)] of an entry's stored changes (JSON text)."""
    lines = []
    for column, old, new in change_list(entry_changes):
        if column == BATCH_COUNT:
            lines.append((gettext("Записано строк"), None, str(new)))
        else:
            lines.append((str(LABELS.get(column, column)), _shown(old), _shown(new)))
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
kind_text.enum = SimpleNamespace(label_of=kind_label)


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
    search_form_extra_fields = {
        "door": SelectField(_("Откуда"), choices=enum_choices(AuditDoor)),
        "action": SelectField(_("Действие"), choices=enum_choices(AuditAction)),
        "kind": SelectField(_("Объект"), choices=[(kind, _(label)) for kind, label in kind_choices()]),
    }
    formatters_columns = {
        "moment": moment, "door": enum_label(AuditDoor), "action": enum_label(AuditAction), "kind": kind_text,
        "changes": changes_html,
    }


def register(appbuilder):
    appbuilder.add_view(AuditView, P.RESOURCE_AUDIT, label=_("Журнал изменений"), icon="fa-history",
                        category=P.MENU_SETTINGS)
