"""`penalties list` and `reconcile` (SPEC §6): penalties accrued per contract, and the
reconciliation act between an executor and a customer, as JSON (and the act as PDF or .xlsx)."""
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.output import emit, fail, iso_date
from app.domain import penalties, reconciliation
from app.errors import DomainError
from app.exports import pdf, reconciliation_xlsx
from app.extensions import db
from app.timeutil import today

group = AppGroup("penalties", help="Penalties (пени) accrued on overdue invoices.")


@group.command("list")
@click.option("--on", "on", callback=iso_date, metavar="YYYY-MM-DD", help="Accrued by the end of this day (default: today, UTC).")
def list_command(on):
    """Active contracts with penalty terms and an overdue debt or a penalty: overdue, penalty, total."""
    try:
        emit(penalties.listing(db.session, on or today()))
    except DomainError as error:
        fail(str(error))


@click.command("reconcile")
@click.option("--executor", "executor_inn", required=True, metavar="INN")
@click.option("--customer", "customer_inn", required=True, metavar="INN")
@click.option("--contract", "contract_number", metavar="NUMBER", help="Only this contract between them.")
@click.option("--from", "start", required=True, callback=iso_date, metavar="YYYY-MM-DD")
@click.option("--to", "end", required=True, callback=iso_date, metavar="YYYY-MM-DD")
@click.option("-o", "output", metavar="FILE", help="Also write the act: .pdf or .xlsx by the extension.")
def reconcile_command(executor_inn, customer_inn, contract_number, start, end, output):
    """The reconciliation act: opening, debit, credit, closing (positive: the customer owes)."""
    if output and Path(output).suffix.lower() not in (".pdf", ".xlsx"):
        fail(f"-o: файл «{output}» должен быть .pdf или .xlsx")
    try:
        executor, customer, contract = reconciliation.find_parties(db.session, executor_inn, customer_inn, contract_number)
        act = reconciliation.reconcile(db.session, executor, customer, start, end, contract)
    except DomainError as error:
        fail(str(error))
    if output:
        data = pdf.reconciliation_pdf(act) if output.lower().endswith(".pdf") else reconciliation_xlsx.workbook(act)
        Path(output).write_bytes(data)
    emit(act.as_json())
