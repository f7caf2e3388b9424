"""Акт сверки: the reconciliation act between an executor and a customer (optionally one
contract) for a period, on screen and as PDF or .xlsx (app.domain.reconciliation). Opened from
the contract card with its parties and contract filled in."""
import io
from datetime import date

from flask import abort, flash, request, send_file
from flask_appbuilder import expose, has_access
from flask_babel import gettext

from app import permissions as P
from app.domain import dates, reconciliation
from app.errors import DomainError
from app.exports import pdf, reconciliation_xlsx
from app.extensions import db
from app.models import Contract, Counterparty
from app.timeutil import today
from app.views.formatters import date_ru, money
from app.views.base import compressed_permissions
from app.views.pages import ArendaPage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReconciliationView(ArendaPage):
    route_base = "/reconciliation"
    class_permission_name = P.RESOURCE_ACT  # who reads the acts reads the act of their sums
    method_permission_name = compressed_permissions(extra_read=("index",))
    base_permissions = [P.CAN_READ]
    template = "arenda/reconciliation.html"

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        session = db.session
        executor = session.get(Counterparty, request.args.get("executor", type=int) or 0)
        customer = session.get(Counterparty, request.args.get("customer", type=int) or 0)
        contract = session.get(Contract, request.args.get("contract", type=int) or 0)
        if executor is None or customer is None:
            abort(404)
        start, end, act = date(today().year, 1, 1), today(), None
        try:
            start = dates.typed_date(request.args.get("from") or start.isoformat(), "from")
            end = dates.typed_date(request.args.get("to") or end.isoformat(), "to")
            act = reconciliation.reconcile(session, executor, customer, start, end, contract)
        except DomainError as error:
            flash(gettext(str(error)), "danger")
        fmt = request.args.get("format")
        if act is not None and fmt == "pdf":
            return send_file(io.BytesIO(pdf.reconciliation_pdf(act)), mimetype="application/pdf",
                             download_name=f"akt-sverki-{customer.inn}-{act.end:%Y%m%d}.pdf")
        if act is not None and fmt == "xlsx":
            return send_file(io.BytesIO(reconciliation_xlsx.workbook(act)), mimetype=XLSX,
                             download_name=f"akt-sverki-{customer.inn}-{act.end:%Y%m%d}.xlsx")
        contracts = [c for c in session.query(Contract).filter_by(executor_id=executor.id, customer_id=customer.id).order_by(Contract.number)]
        return self.render_template(self.template, act=act, executor=executor, customer=customer, contract=contract,
                                    contracts=contracts, start=start, end=end, money=money, date_ru=date_ru)


def register(appbuilder):
    appbuilder.add_view_no_menu(ReconciliationView)
