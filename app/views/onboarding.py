"""«Загрузка из Excel» (Настройки): the onboarding templates, a file checked cell by cell (every
bad cell named: sheet, row, column, message; nothing imported), a preview of what a good file
creates, then all of it at once (app.domain.onboarding). The checked file waits in the
instance folder under its SHA-256 until «Загрузить»."""
import hashlib
import re
from pathlib import Path

from flask import abort, current_app, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import generate_csrf

from app import permissions as P
from app.domain import onboarding
from app.domain.enums import AuditDoor
from app.errors import DomainError, ImportFailed
from app.exports import xlsx
from app.extensions import db
from app.hooks.actor import current_user_id, through
from app.imports import onboarding as reader
from app.timeutil import today
from app.views.excel import send_workbook
from app.views.pages import ArendaPage, check_csrf, done, transaction

MAX_BYTES = 50 * 1024 * 1024
_KINDS = {onboarding.DATE: xlsx.DATE, onboarding.DECIMAL: xlsx.NUMBER, onboarding.INTEGER: xlsx.INTEGER}
_SHA = re.compile(r"^[0-9a-f]{64}$")


def template_sheets():
    """The template: a sheet per part (headers only), then how to fill each column."""
    sheets = [
        xlsx.Sheet(title, [xlsx.Column(f.header + (" *" if f.required else ""), _KINDS.get(f.kind, xlsx.TEXT),
                                       width=max(len(f.header) + 4, 14)) for f in fields])
        for title, fields in onboarding.SHEETS.items()
    ]
    help_rows = [(title, f.header, gettext("Да") if f.required else "", f.note)
                 for title, fields in onboarding.SHEETS.items() for f in fields]
    columns = [xlsx.Column(gettext("Лист")), xlsx.Column(gettext("Столбец")), xlsx.Column(gettext("Обязательно")),
               xlsx.Column(gettext("Как заполнять"), width=70)]
    sheets.append(xlsx.Sheet(gettext("Как заполнять"), columns, help_rows, notes=[gettext(onboarding.NOTE)]))
    return sheets


def _headers(sheets):
    """The template marks required columns with « *»: read them by their plain header."""
    if not sheets:
        return sheets
    return {title: None if rows is None else [(n, {k.removesuffix(" *"): v for k, v in cells.items()}) for n, cells in rows]
            for title, rows in sheets.items()}


def _store(data):
    folder = Path(current_app.instance_path) / "onboarding"
    folder.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(data).hexdigest()
    (folder / f"{sha}.xlsx").write_bytes(data)
    return sha


def _stored(sha):
    path = Path(current_app.instance_path) / "onboarding" / f"{sha}.xlsx"
    if not _SHA.match(sha or "") or not path.exists():
        raise DomainError(gettext("Файл не найден: загрузите его ещё раз"))
    return path


class OnboardingView(ArendaPage):
    route_base = "/onboarding"
    class_permission_name = P.RESOURCE_ONBOARDING
    method_permission_name = {"page": "read", "template": "read", "check": "write", "create": "write"}
    default_view = "page"

    def _render(self, **context):
        return self.render_template("arenda/onboarding.html", title=_("Загрузка из Excel"),
                                    sheets=onboarding.SHEETS, csrf_token=generate_csrf(), **context)

    @expose("/")
    @has_access
    def page(self):
        return self._render()

    @expose("/template.xlsx")
    @has_access
    def template(self):
        return send_workbook(template_sheets(), gettext("Шаблон загрузки"))

    @expose("/check", methods=["POST"])
    @has_access
    def check(self):
        check_csrf()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._render(refusal=gettext("Выберите файл"))
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return self._render(refusal=gettext("Файл больше 50 МБ"))
        try:
            plan = onboarding.check(db.session, _headers(reader.read(data)))
        except ImportFailed as error:
            return self._render(refusal=gettext(str(error)))
        finally:
            db.session.rollback()  # the check only reads: nothing it built may stay in the session
        if plan.problems:
            return self._render(problems=plan.problems, filename=upload.filename)
        return self._render(plan=plan, sha=_store(data), filename=upload.filename)

    @expose("/create", methods=["POST"])
    @has_access
    @through(AuditDoor.IMPORT)  # the commit included: the audit log names the rows created as the import's
    @transaction(refused=lambda self: redirect(url_for(".page")))
    def create(self):
        path = _stored(request.form.get("sha", ""))
        plan = onboarding.check(db.session, _headers(reader.read(path.read_bytes())))
        counts = onboarding.create(db.session, plan, today(), current_user_id())
        path.unlink(missing_ok=True)
        done(gettext("Загружено: контрагентов %(parties)d, помещений %(rooms)d, договоров %(contracts)d.",
                     parties=counts[onboarding.PARTIES], rooms=counts[onboarding.PROPERTY],
                     contracts=counts[onboarding.CONTRACTS]))
        return redirect(url_for(".page"))


def register(appbuilder):
    appbuilder.add_view(OnboardingView, P.RESOURCE_ONBOARDING, label=_("Загрузка из Excel"), icon="fa-file-excel-o",
                        category=P.MENU_SETTINGS)
