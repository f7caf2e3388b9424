"""«Поиск» in the top bar: the results page of app.domain.search, grouped by kind with their
statuses, each kind only for those who may read its list."""
from flask import abort, current_app, request
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _

from app import permissions as P
from app.domain import search
from app.domain.enums import ActStatus, ContractStatus, Direction, InvoiceStatus, PaymentState
from app.extensions import db
from app.views.base import compressed_permissions
from app.views.formatters import date_ru, enum_label, money
from app.views.pages import ArendaPage

TITLES = {
    "counterparties": _("Контрагенты"),
    "contracts": _("Договоры"),
    "invoices": _("Счета"),
    "acts": _("Акты"),
    "payments": _("Денежные операции"),
}


class SearchView(ArendaPage):
    route_base = "/search"
    class_permission_name = P.RESOURCE_DASHBOARD  # every staff member; each kind checks its own list
    method_permission_name = compressed_permissions(extra_read=("results",))
    default_view = "results"

    @expose("/")
    @has_access
    def results(self):
        text = request.args.get("q", "").strip()
        kinds = P.readable_kinds(self.appbuilder.sm, search.KINDS)
        if not kinds:  # as the start page's counts: nothing to find for who reads no list
            abort(403)
        groups = search.search(db.session, text, kinds) if text else []
        return self.render_template(
            "arenda/search.html", q=text, groups=groups, titles=TITLES, limit=search.LIMIT, title=_("Поиск"),
            money=money, date_ru=date_ru, contract_status=enum_label(ContractStatus), invoice_status=enum_label(InvoiceStatus),
            act_status=enum_label(ActStatus), payment_state=enum_label(PaymentState), direction=enum_label(Direction),
        )


def register(appbuilder):
    appbuilder.add_view_no_menu(SearchView)
    # The top bar shows the box only to whoever may find something (arenda/_search_box.html).
    current_app.jinja_env.globals["may_search"] = lambda: bool(P.readable_kinds(appbuilder.sm, search.KINDS))
