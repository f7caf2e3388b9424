"""Счета и акты → «Экспорт в 1С» (one executor, one period, the file downloads; the history
of exports with download again) and Настройки → «Экспорт в 1С» (the scheduled export)."""
from flask import abort, redirect, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import InputRequired, Optional

from app import permissions as P
from app.domain import export_schedule
from app.extensions import db
from app.hooks.actor import current_user_id
from app.jobs import export_1c as exporting
from app.models import Counterparty, ExportRun
from app.views.base import compressed_permissions
from app.views.fields import RussianDateField
from app.views.formatters import date_ru, moment
from app.views.pages import ArendaPage, done, transaction

HISTORY_ROWS = 50
XML = "application/xml"


def _executors():
    return db.session.scalars(select(Counterparty).where(Counterparty.is_executor.is_(True)).order_by(Counterparty.name)).all()


def _executor_label(executor):
    return f"{executor.name} (ИНН {executor.inn})" if executor.inn else executor.name


class ExportForm(DynamicForm):
    executor = SelectField(_("Исполнитель"), coerce=int, validate_choice=False,
                           validators=[InputRequired(message=_("Выберите исполнителя: выгрузка делается по одному исполнителю"))])
    start = RussianDateField(_("Период с"), validators=[InputRequired(message=_("Укажите дату начала периода"))])
    end = RussianDateField(_("по"), validators=[InputRequired(message=_("Укажите дату окончания периода"))])


class Export1CView(ArendaPage):
    route_base = "/documents/export-1c"
    class_permission_name = P.RESOURCE_EXPORT_1C
    method_permission_name = compressed_permissions(extra_read=("page", "download"), extra_write=("export",))
    default_view = "page"

    def _render(self, form):
        form.executor.choices = [(0, gettext("— выберите исполнителя —"))] + [(e.id, _executor_label(e)) for e in _executors()]
        runs = db.session.scalars(select(ExportRun).order_by(ExportRun.id.desc()).limit(HISTORY_ROWS)).all()
        return self.render_template("arenda/export_1c.html", form=form, runs=runs, counts=exporting.counts, date_ru=date_ru,
                                    moment=moment, title=_("Экспорт в 1С"))

    @expose("/")
    @has_access
    def page(self):
        return self._render(ExportForm())

    @expose("/", methods=["POST"])
    @has_access
    @transaction(lambda self: self._render(ExportForm()))  # the posted values shown again with the refusal
    def export(self):
        form = ExportForm()
        if not form.validate_on_submit():
            return self._render(form)
        executor = db.session.get(Counterparty, form.executor.data) if form.executor.data else None
        run = exporting.make(db.session, executor, form.start.data, form.end.data, exporting.exports_dir(),
                             user_id=current_user_id())
        return self._file(run)

    @expose("/<int:pk>/download")
    @has_access
    def download(self, pk):
        return self._file(db.session.get(ExportRun, pk) or abort(404))

    @staticmethod
    def _file(run):
        path = exporting.path_of(run, exporting.exports_dir())
        if path is None:
            abort(404)
        return send_file(path, mimetype=XML, as_attachment=True, download_name=run.filename)


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ScheduleForm(DynamicForm):
    periodicity = SelectField(_("Периодичность"), choices=[(v, _(label)) for v, label in export_schedule.PERIODICITIES])
    day = IntegerField(_("День выгрузки"), validators=[Optional()],
                       description=_("Ежемесячно: день месяца (1–28); еженедельно: день недели (1 — понедельник … 7 — воскресенье)"))
    executor_ids = _Checkboxes(_("Исполнители"), coerce=int, validate_choice=False)
    email = StringField(_("Адрес для файла выгрузки"))


class Export1CSettingsView(ArendaPage):
    route_base = "/settings/export-1c"
    class_permission_name = P.RESOURCE_EXPORT_1C_SETTINGS
    method_permission_name = compressed_permissions(extra_read=("settings",), extra_write=("save",))
    default_view = "settings"

    def _render(self, form):
        form.executor_ids.choices = [(e.id, _executor_label(e)) for e in _executors()]
        runs = db.session.scalars(select(ExportRun).where(ExportRun.schedule_key.is_not(None))
                                  .order_by(ExportRun.id.desc()).limit(HISTORY_ROWS)).all()
        return self.render_template("arenda/export_1c_settings.html", form=form, runs=runs, counts=exporting.counts,
                                    date_ru=date_ru, moment=moment, title=_("Экспорт в 1С по расписанию"))

    @expose("/")
    @has_access
    def settings(self):
        schedule = export_schedule.load(db.session)
        form = ScheduleForm(data=dict(periodicity=schedule.periodicity, day=schedule.day, executor_ids=schedule.executor_ids,
                                      email=schedule.email))
        return self._render(form)

    @expose("/", methods=["POST"])
    @has_access
    @transaction(lambda self: self._render(ScheduleForm()))
    def save(self):
        form = ScheduleForm()
        if not form.validate_on_submit():
            return self._render(form)
        schedule = export_schedule.Schedule(periodicity=form.periodicity.data, day=form.day.data or 0,
                                            executor_ids=list(form.executor_ids.data or []), email=form.email.data or "")
        problems = export_schedule.problems(schedule)
        if problems:  # shown next to their fields; nothing saved
            for name, messages in problems.items():
                form[name].errors = list(form[name].errors) + [gettext(m) for m in messages]
            return self._render(form)
        export_schedule.save(db.session, schedule)
        done(gettext("Настройки выгрузки в 1С сохранены"))
        return redirect(url_for(".settings"))


def register(appbuilder):
    appbuilder.add_view(Export1CView, P.RESOURCE_EXPORT_1C, label=_("Экспорт в 1С"), icon="fa-download",
                        category=P.MENU_DOCUMENTS, category_label=_("Счета и акты"), category_icon="fa-file-o")
    appbuilder.add_view(Export1CSettingsView, P.RESOURCE_EXPORT_1C_SETTINGS, label=_("Экспорт в 1С"), icon="fa-clock-o",
                        category=P.MENU_SETTINGS, category_label=_("Настройки"), category_icon="fa-cog")
