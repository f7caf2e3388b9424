"""Auto-issue of one month for 20000 active contracts on PostgreSQL: the nightly job
(`flask schedule run`) must take at most 60 s and 500 MB of memory at its peak.

A fresh database (dropped afterwards: the run changes it) is created on the server of
ARENDA_BENCH_DATABASE_URL (default: the local PostgreSQL), filled by `demo generate` (all
contracts active, generated as on the 10th of this month) and analysed; then
`flask --app run.py schedule run --on <last day of the month>` runs in a child process: it
issues next month's invoices (planned on the 25th) and this month's acts with their VAT
invoices. ARENDA_BENCH_CONTRACTS changes the 20000.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from calendar import monthrange
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks._database import SERVER_URL, _ensure_database

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
LIMIT_SECONDS, LIMIT_MB = 60, 500


@contextmanager
def fresh_database():
    name = f"arenda_bench_issue_{uuid.uuid4().hex[:8]}"
    try:
        yield _ensure_database(name)
    finally:
        admin = create_engine(make_url(SERVER_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def generate(url, generated_on):
    from flask_migrate import upgrade

    from app import create_app
    from app.demo import generate as generator
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.monotonic()
        result = generator.generate(db.session, CONTRACTS, generated_on, all_active=True)
        db.session.commit()
        db.session.remove()
        seconds = time.monotonic() - started
        # What autovacuum does to a live database soon after a bulk load: statistics for the planner.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()
    return result, seconds


def main():
    this_month = date.today().replace(day=1)
    generated_on, run_on = this_month.replace(day=10), this_month.replace(day=monthrange(this_month.year, this_month.month)[1])
    with fresh_database() as url, tempfile.TemporaryDirectory() as instance:
        os.environ.setdefault("ARENDA_INSTANCE_DIR", instance)
        generated, generate_seconds = generate(url, generated_on)
        print(f"generated {generated['contracts']} contracts, {generated['documents']} documents in {generate_seconds:.1f} s", flush=True)
        env = dict(os.environ, DATABASE_URL=url, ARENDA_INSTANCE_DIR=instance)
        started = time.monotonic()
        child = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "schedule", "run", "--on", run_on.isoformat()],
                               cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr)
        return False
    issued = json.loads(child.stdout)["issued"]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    documents = issued["invoices"] + issued["acts"] + issued["vat_invoices"]
    print(json.dumps({
        "contracts": CONTRACTS, "run_on": run_on.isoformat(), "invoices": issued["invoices"], "acts": issued["acts"],
        "vat_invoices": issued["vat_invoices"], "failed": len(issued["failed"]), "seconds": round(seconds, 1),
        "documents_per_second": round(documents / seconds), "peak_memory_mb": round(peak_mb),
        "limits": {"seconds": LIMIT_SECONDS, "peak_memory_mb": LIMIT_MB},
    }, ensure_ascii=False))
    ok = seconds <= LIMIT_SECONDS and peak_mb <= LIMIT_MB and issued["invoices"] == issued["acts"] == CONTRACTS and not issued["failed"]
    print("auto-issue of one month:", "within the limits" if ok else "OUT OF THE LIMITS")
    return ok
