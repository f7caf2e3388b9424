"""Export to 1C of one month of one executor (PostgreSQL): 20000 invoices + 20000 acts + 20000
VAT invoices, `flask export 1c` in a child process, at most 15 s and 300 MB at its peak; the
ratio to a bare query of the same rows (the documents and their lines, fetched) is printed.

The database (kept between runs, on the server of ARENDA_BENCH_DATABASE_URL) is filled once by
`demo generate` (every contract active) and then given to one executor, so that one month of
one executor holds a document of each kind per contract. The month is the one before last:
every generated contract has been billed for it and its acts are issued."""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from benchmarks._database import app_with_contracts

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "arenda_bench_export_1c"
CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
LIMIT_SECONDS, LIMIT_MB = 15, 300


def one_executor(session):
    """Every contract and document to the first executor (numbers stay unique: the generator
    gives each executor its own prefix), with VAT invoices on."""
    first = session.scalar(text("SELECT min(id) FROM counterparty WHERE is_executor"))
    for table in ("contract", "invoice", "act", "vat_invoice"):
        session.execute(text(f"UPDATE {table} SET executor_id = :first"), {"first": first})
    session.execute(text("UPDATE counterparty SET vat_invoices_enabled = true WHERE id = :first"), {"first": first})


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


def main():
    from app.extensions import db
    from app.models import Act, Counterparty, Invoice, VatInvoice
    from app.timeutil import today

    app = app_with_contracts(DATABASE, CONTRACTS, prepare=one_executor, all_active=True)
    end = today().replace(day=1) - timedelta(days=1)
    end = end.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    with app.app_context():
        session = db.session
        executor = session.scalars(select(Counterparty).where(Counterparty.is_executor.is_(True)).order_by(Counterparty.id)).first()
        counts = {name: session.scalar(select(func.count()).select_from(model).where(
            model.executor_id == executor.id, model.date.between(start, end))) for name, model in (
            ("invoices", Invoice), ("acts", Act), ("vat_invoices", VatInvoice))}
        print(f"{executor.name} (ИНН {executor.inn}), {start:%d.%m.%Y}–{end:%d.%m.%Y}: {json.dumps(counts)}", flush=True)
        bare_query(session, executor.id, start, end)  # warm the cache as the export will find it
        started = time.monotonic()
        bare_rows = bare_query(session, executor.id, start, end)
        bare_seconds = time.monotonic() - started
        inn, url = executor.inn, db.engine.url.render_as_string(hide_password=False)
        session.remove()
    with tempfile.TemporaryDirectory() as instance:
        out = Path(instance) / "export.xml"
        env = dict(os.environ, DATABASE_URL=url, ARENDA_INSTANCE_DIR=instance)
        started = time.monotonic()
        child = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "export", "1c", "--executor", inn,
                                "--from", start.isoformat(), "--to", end.isoformat(), "-o", str(out)],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        size_mb = out.stat().st_size / 2**20 if out.exists() else 0
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr)
        return False
    summary = json.loads(child.stdout)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb, cpu_seconds = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # CPU: what a busy host hides
    print(json.dumps({
        "invoices": summary["invoices"], "acts": summary["acts"], "vat_invoices": summary["vat_invoices"],
        "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1), "peak_memory_mb": round(peak_mb), "file_mb": round(size_mb, 1),
        "bare_query_seconds": round(bare_seconds, 2), "bare_query_rows": bare_rows,
        "ratio_to_bare_query": round(seconds / bare_seconds, 1),
        "limits": {"seconds": LIMIT_SECONDS, "peak_memory_mb": LIMIT_MB},
    }, ensure_ascii=False))
    ok = seconds <= LIMIT_SECONDS and peak_mb <= LIMIT_MB
    print("export to 1C of one month:", "within the limits" if ok else "OUT OF THE LIMITS")
    return ok
