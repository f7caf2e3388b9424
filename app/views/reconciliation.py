"""Акт сверки: the reconciliation act between an executor and a customer (optionally one
contract) for a period, on screen and as PDF or .xlsx (app.domain.reconciliation), and emailed
to the customer's recipients through the outbox. Opened from the contract card with its parties
and contract filled in, and from the customer card per executor."""
import io
from datetime import date

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf

from app import permissions as P
from app.domain import dates, reconciliation
from app.errors import DomainError
from app.exports import pdf, reconciliation_xlsx
from app.extensions import db
from app.models import Contract, Counterparty
from app.timeutil import today
from app.views.formatters import date_ru, money
from app.views.base import compressed_permissions
from app.notify import events
from app.views.pages import ArendaPage, done, transaction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReconciliationView(ArendaPage):
    route_base = "/reconciliation"
    class_permission_name = P.RESOURCE_ACT  # who reads the acts reads the act of their sums
    method_permission_name = compressed_permissions(extra_read=("index",), extra_write=("send",))  # send: who writes acts
    template = "arenda/reconciliation.html"

    @staticmethod
    def _asked(values):
        """(executor, customer, contract, start, end) the arguments name; 404 without both parties."""
        session = db.session
        executor = session.get(Counterparty, values.get("executor", type=int) or 0)
        customer = session.get(Counterparty, values.get("customer", type=int) or 0)
        contract = session.get(Contract, values.get("contract", type=int) or 0)
        if executor is None or customer is None:
            abort(404)
        return executor, customer, contract, values.get("from") or date(today().year, 1, 1).isoformat(), values.get("to") or today().isoformat()

    @staticmethod
    def _reconcile(executor, customer, contract, start, end):
        return reconciliation.reconcile(db.session, executor, customer, dates.typed_date(start, "from"), dates.typed_date(end, "to"),
                                        contract)

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        session = db.session
        executor, customer, contract, start, end = self._asked(request.args)
        act = None
        try:
            act = self._reconcile(executor, customer, contract, start, end)
            start, end = act.start, act.end
        except DomainError as error:
            flash(gettext(str(error)), "danger")
            start = end = None
        fmt = request.args.get("format")
        if act is not None and fmt == "pdf":
            return send_file(io.BytesIO(pdf.reconciliation_pdf(act)), mimetype="application/pdf",
                             download_name=f"akt-sverki-{customer.inn}-{act.end:%Y%m%d}.pdf")
        if act is not None and fmt == "xlsx":
            return send_file(io.BytesIO(reconciliation_xlsx.workbook(act)), mimetype=XLSX,
                             download_name=f"akt-sverki-{customer.inn}-{act.end:%Y%m%d}.xlsx")
        contracts = [c for c in session.query(Contract).filter_by(executor_id=executor.id, customer_id=customer.id).order_by(Contract.number)]
        return self.render_template(self.template, act=act, executor=executor, customer=customer, contract=contract,
                                    contracts=contracts, start=start, end=end, money=money, date_ru=date_ru,
                                    may_send=self.appbuilder.sm.has_access(P.CAN_WRITE, P.RESOURCE_ACT), csrf_token=generate_csrf())

    def _back(self):
        return redirect(url_for(".index", **{k: v for k, v in request.form.items() if k != "csrf_token"}))

    @expose("/send", methods=["POST"])
    @has_access
    @transaction(_back)
    def send(self):
        """«Отправить заказчику»: the act as shown, as PDF, to the customer's recipients (outbox)."""
        act = self._reconcile(*self._asked(request.form))
        sent = events.reconciliation_sent(db.session, act, pdf.reconciliation_pdf(act), today())
        done(gettext("Акт сверки поставлен в очередь отправки: %(to)s", to=act.customer.recipient_emails or act.customer.email)
             if sent else gettext("Этот акт сверки сегодня уже отправлен"))
        return self._back()


def register(appbuilder):
    appbuilder.add_view_no_menu(ReconciliationView)
