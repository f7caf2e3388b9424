"""«Отчёты»: debtors, vacancy, rent roll, invoiced vs paid — each a page (table and an inline
SVG chart) and its .xlsx (`?format=xlsx`, app.exports.reports). The figures are
app.domain.reports' on today; the pages only lay them out."""
from flask import request
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _

from app import permissions as P
from app.domain import reports
from app.domain.words import format_amount
from app.exports import reports as workbooks
from app.extensions import db
from app.timeutil import today
from app.views import charts
from app.views.base import compressed_permissions
from app.views.excel import send_workbook
from app.views.formatters import area, date_ru, money
from app.views.pages import ArendaPage

AGE_COLORS = ("#f0ad4e", "#ec971f", "#d9534f", "#a94442")


def percent(share):
    """0.5094 -> «50,94 %»."""
    return f"{share * 100:.2f} %".replace(".", ",")


def decimal(value):
    """1.35 -> «1,35» (None: «—»)."""
    return "—" if value is None else str(value).replace(".", ",")


def aging_chart(aging):
    """The overdue debt by age as bars (the debtors page and the start page)."""
    return charts.bars([(f"{label} дн.", amount, f"{format_amount(amount)} ₽", color)
                        for (label, _, _), amount, color in zip(reports.BUCKETS, aging.buckets, AGE_COLORS)],
                       title=str(_("Просроченный долг по срокам")))


def revenue_chart(months):
    return charts.columns([f"{m.start:%m.%y}" for m in months],
                          [(str(_("Выставлено")), [m.invoiced for m in months], charts.COLORS[0]),
                           (str(_("Оплачено")), [m.paid for m in months], charts.COLORS[1])],
                          title=str(_("Выставлено и оплачено по месяцам")))


class _ReportPage(ArendaPage):
    """One report of `reports.REPORTS` by its `report_name`: the page's `template`, or with ?format=xlsx its sheets."""

    class_permission_name = P.RESOURCE_REPORTS
    method_permission_name = compressed_permissions(extra_read=("page",))
    base_permissions = [P.CAN_READ]
    default_view = "page"
    report_name = template = title = None

    def charts(self, report):
        return {}

    @expose("/")
    @has_access
    def page(self):
        day = today()
        report = reports.REPORTS[self.report_name](db.session, day)
        if request.args.get("format") == "xlsx":
            return send_workbook(workbooks.SHEETS[self.report_name](report), self.title)
        return self.render_template(self.template, report=report, title=self.title, report_day=day, money=money, area=area,
                                    date_ru=date_ru, percent=percent, decimal=decimal, buckets=reports.BUCKETS, **self.charts(report))


class DebtorsReportView(_ReportPage):
    route_base = "/reports/debtors"
    template = "arenda/reports/debtors.html"
    title = _("Должники")
    report_name = "debtors"

    def charts(self, report):
        return {"chart": aging_chart(report.total)}


class VacancyReportView(_ReportPage):
    route_base = "/reports/vacancy"
    template = "arenda/reports/vacancy.html"
    title = _("Вакантность")
    report_name = "vacancy"

    def charts(self, report):
        return {"chart": charts.bars([(b.building, b.occupancy, percent(b.occupancy), charts.COLORS[0]) for b in report.buildings],
                                     maximum=1, title=str(_("Заполняемость по зданиям")))}


class RentRollReportView(_ReportPage):
    route_base = "/reports/rent-roll"
    template = "arenda/reports/rent_roll.html"
    title = _("Рент-ролл")
    report_name = "rent-roll"

    def charts(self, report):
        ends = report.expiries
        return {"chart": charts.columns(
            [str(e.year) if e.year else str(_("бессрочные")) for e in ends],
            [(str(_("Площадь, м²")), [e.area for e in ends], charts.COLORS[0])], title=str(_("Окончание договоров по годам")))}


class RevenueReportView(_ReportPage):
    route_base = "/reports/revenue"
    template = "arenda/reports/revenue.html"
    title = _("Выставлено и оплачено")
    report_name = "revenue"

    def charts(self, report):
        return {"chart": revenue_chart(report)}


def register(appbuilder):
    category = dict(category=P.MENU_REPORTS, category_label=_("Отчёты"), category_icon="fa-bar-chart")
    for view, name, icon in zip((DebtorsReportView, VacancyReportView, RentRollReportView, RevenueReportView),
                                P.REPORT_ITEMS, ("fa-exclamation-circle", "fa-building-o", "fa-list-alt", "fa-line-chart")):
        appbuilder.add_view(view, name, label=view.title, icon=icon, **category)
