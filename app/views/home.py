"""The start page after login: the money (debt today and overdue by age, invoiced and paid this
month, unallocated money, occupancy; small charts of occupancy and 12 months of invoiced vs
paid) for whoever reads the reports, each figure a link to its filtered list (paid: to the
report, as no list sums paid without the deposits); and what needs
attention, counted per rule, each count a link to its filtered list — for the lists the user
may read."""
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import gettext

from app import permissions as P
from app.domain import attention, reports
from app.domain.enums import DocumentKind, InvoiceStatus
from app.domain.words import format_amount
from app.permissions import readable_kinds
from app.timeutil import today
from app.views import charts
from app.views.attention import COLUMN, ON, AttentionMixin, filter_index, list_url
from app.views.formatters import money
from app.views.reports import aging_chart, percent, revenue_chart


@dataclass
class Tile:
    """One figure of the start page's money, linking to its filtered list."""

    label: str
    value: str
    url: str
    key: str


def within(column, first, last):
    """FAB's filters of `column` between two days, both included (its date filters are strict;
    `first` None: no lower bound)."""
    lower = [] if first is None else [(column, "FilterGreater", first - timedelta(days=1))]
    return lower + [(column, "FilterSmaller", last + timedelta(days=1))]


def filtered(view, rule_key, conditions):
    """The view's list under the attention rule `rule_key` (None: none) and FAB filters
    [(column, filter class name, value)] — several on one column, so a query string by hand."""
    args = [(f"_flt_{filter_index(view.datamodel, rule_key)}_{COLUMN}", ON)] if rule_key else []
    converter = view.datamodel.filter_converter_class(view.datamodel)
    for column, name, value in conditions:
        index = next(i for i, f in enumerate(converter.convert(column)) if type(f).__name__ == name)
        args.append((f"_flt_{index}_{column}", str(value)))
    return f"{url_for(f'{view.__class__.__name__}.list')}?{urlencode(args)}"


@dataclass
class Panel:
    """One list on the start page: its rows needing attention, and per rule."""

    title: str
    count: int
    url: str
    rules: list = field(default_factory=list)  # (label, count, url)


class HomeView(IndexView):
    index_template = "arenda/home.html"

    @expose("/")
    def index(self):
        if not getattr(g, "user", None) or not g.user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"))
        lists = {attention.kind_of(view.datamodel.obj): view for view in self._attention_lists()}
        return self.render_template(self.index_template, appbuilder=self.appbuilder, panels=self._panels(lists),
                                    money=self._money(lists))

    def _money(self, lists):
        """The money tiles and charts (None: the user reads no reports)."""
        sm = self.appbuilder.sm
        if not (sm.has_access(P.CAN_READ, P.RESOURCE_REPORTS) and sm.has_access(P.CAN_READ, P.RESOURCE_INVOICE)
                and sm.has_access(P.CAN_READ, P.RESOURCE_PAYMENT)):
            return None
        day = today()
        found = reports.summary(self.appbuilder.session, day)
        invoices, payments = lists["invoices"], lists["money"]
        month = found.this_month
        issued = ([("status", "FilterEqual", InvoiceStatus.ISSUED.value), ("kind", "FilterNotEqual", DocumentKind.DEPOSIT.value)]
                  + within("date", month.start, month.end))
        tiles = [
            Tile(gettext("Задолженность сегодня"), money(found.aging.debt), url_for("DebtorsReportView.page"), "debt"),
            Tile(gettext("Просрочено"), money(found.aging.overdue), list_url(invoices, "overdue"), "overdue"),
        ]
        for index, ((label, _, _), amount) in enumerate(zip(reports.BUCKETS, found.aging.buckets)):
            due = within("due_date", *reports.due_dates_of(index, day))
            tiles.append(Tile(gettext("%(days)s дн.", days=label), money(amount), filtered(invoices, "overdue", due), "age"))
        tiles += [
            Tile(gettext("Выставлено в этом месяце"), money(month.invoiced), filtered(invoices, None, issued), "invoiced"),
            # Paid leaves the deposits out and counts their offsets (reports.revenue): no list sums it, the report shows it.
            Tile(gettext("Оплачено в этом месяце"), money(month.paid), url_for("RevenueReportView.page"), "paid"),
            Tile(gettext("Не разнесено"), money(found.unallocated), list_url(payments, "not_allocated"), "unallocated"),
            Tile(gettext("Заполняемость"), percent(found.occupancy), url_for("VacancyReportView.page"), "occupancy"),
        ]
        free = found.area - found.occupied
        occupancy = charts.bars([(gettext("Занято"), found.occupied, f"{format_amount(found.occupied)} м²", charts.COLORS[0]),
                                 (gettext("Свободно"), free, f"{format_amount(free)} м²", charts.COLORS[4])],
                                maximum=found.area or 1, title=gettext("Заполняемость"))
        return {"tiles": tiles, "months": revenue_chart(found.months), "occupancy": occupancy, "aging": aging_chart(found.aging)}

    def _panels(self, lists):
        kinds = [kind for kind in readable_kinds(self.appbuilder.sm, attention.KINDS) if kind in lists]
        counts = attention.counts(self.appbuilder.session, today(), kinds)
        return [
            Panel(
                title=str(lists[kind].list_title),
                count=counts.by_kind[kind],
                url=list_url(lists[kind]),
                rules=[
                    (gettext(rule.label), counts.by_rule[kind][rule.key], list_url(lists[kind], rule.key))
                    for rule in attention.rules_for(kind)
                ],
            )
            for kind in kinds
        ]

    def _attention_lists(self):
        return [view for view in self.appbuilder.baseviews if isinstance(view, AttentionMixin)]
