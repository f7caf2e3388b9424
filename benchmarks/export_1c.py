"""Export to 1C of one month of one executor (PostgreSQL): 20000 invoices + 20000 acts + 20000
VAT invoices written by `jobs.export_1c.make` (what `flask export 1c` and the page call) in a
child process; targets 15 s and 300 MB peak; the ratio to a bare query of the same rows (the
documents and their lines, fetched) is printed.

The data is the `active` template (`demo generate`, every contract active) given to one
executor, so that one month of one executor holds a document of each kind per contract; the
month is the one before last: every contract has been billed for it and its acts are issued.
ARENDA_BENCH_CONTRACTS changes the 20000."""
import os
import sys
import tempfile
from datetime import timedelta

from sqlalchemy import text

from benchmarks._database import active, app_for, copy_of, prepared, template
from benchmarks._report import child_print, figure, in_child, machine, measured

CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
LIMIT_SECONDS, LIMIT_MB = 15, 300


def one_executor(session):
    """Every contract and document to the first executor (numbers stay unique: the generator
    gives each executor its own prefix), with VAT invoices on: the acts of the other executor,
    who had them off, get theirs as `issuing.keep_vat_invoice` would give them."""
    from app.domain.enums import VatInvoiceStatus

    first = session.scalar(text("SELECT min(id) FROM counterparty WHERE is_executor"))
    for table in ("contract", "invoice", "act", "vat_invoice"):
        session.execute(text(f"UPDATE {table} SET executor_id = :first"), {"first": first})
    session.execute(text("UPDATE counterparty SET vat_invoices_enabled = true WHERE id = :first"), {"first": first})
    session.execute(text(
        "INSERT INTO vat_invoice (act_id, executor_id, customer_id, number, date, amount, vat_amount, status, created_at, updated_at)"
        " SELECT a.id, a.executor_id, a.customer_id, a.number, a.date, a.amount, a.vat_amount, :issued, a.created_at, a.updated_at"
        " FROM act a WHERE a.number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM vat_invoice v WHERE v.act_id = a.id)"),
        {"issued": VatInvoiceStatus.ISSUED.value})


def bare_query(session, executor_id, start, end):
    """The same rows the export reads, fetched and nothing else: documents with their lines."""
    rows = 0
    for document, line, owner in (("invoice", "invoice_line", "invoice_id"), ("act", "act_line", "act_id")):
        rows += len(session.execute(text(
            f"SELECT d.id, d.number, d.date, d.contract_id, d.customer_id, d.kind, d.amount, d.vat_amount, d.status,"
            f" l.name, l.amount, l.vat_amount FROM {document} d JOIN {line} l ON l.{owner} = d.id"
            f" WHERE d.executor_id = :e AND d.date BETWEEN :s AND :t AND d.number IS NOT NULL"), dict(e=executor_id, s=start, t=end)).all())
    rows += len(session.execute(text(
        "SELECT v.id, v.number, v.date, v.amount, v.vat_amount, v.status, a.number FROM vat_invoice v JOIN act a ON a.id = v.act_id"
        " WHERE v.executor_id = :e AND v.date BETWEEN :s AND :t"), dict(e=executor_id, s=start, t=end)).all())
    return rows


def month_before_last():
    from app.timeutil import today

    end = today().replace(day=1) - timedelta(days=1)
    end = end.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def child(url):
    """The export in this process; prints its counts, the bare query and the measures."""
    from app.exports import enterprise_data
    from app.extensions import db
    from app.jobs import export_1c

    start, end = month_before_last()
    app = app_for(url)
    with app.app_context(), tempfile.TemporaryDirectory() as directory:
        session = db.session
        executor = session.execute(text("SELECT * FROM counterparty WHERE is_executor ORDER BY id LIMIT 1")).one()
        executor = enterprise_data.executor_by_inn(session, executor.inn)
        bare_query(session, executor.id, start, end)  # warm the cache as the export will find it
        bare_rows, bare = measured(lambda: bare_query(session, executor.id, start, end))
        run, measure = measured(lambda: export_1c.make(session, executor, start, end, directory))
        session.rollback()
        child_print({**export_1c.counts(run), "size": run.size, "bare_rows": bare_rows, "bare_seconds": bare["seconds"],
                     **measure, "executor": executor.name, "from": start, "to": end})


def main():
    if "--child" in sys.argv:
        return child(sys.argv[sys.argv.index("--child") + 1])
    base = active(CONTRACTS)
    data = template(base.replace("arenda_bench_tpl_active", "one_executor"), prepared(one_executor), base=base)
    print(machine())
    with copy_of(data) as url:
        result = in_child("benchmarks.export_1c", url)
    print(f"  {result['executor']}, {result['from']}–{result['to']}: {result['invoices']} invoices, {result['acts']} acts, "
          f"{result['vat_invoices']} VAT invoices, {result['size'] / 2**20:.0f} MB of XML")
    return figure("export to 1C of one month", result["seconds"], "s", LIMIT_SECONDS, bare=result["bare_seconds"],
                  bare_name=f"a bare query of the same {result['bare_rows']} rows", memory=result, memory_target=LIMIT_MB)


if __name__ == "__main__":
    main()
