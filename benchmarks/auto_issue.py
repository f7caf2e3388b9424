"""Nightly auto-issue of one month for 20000 active contracts on PostgreSQL (issue 18.2): the
nightly job (`app.jobs.nightly.nightly`, what `flask schedule run --on DATE` runs) in a child
process, on a copy of the `active` template (every contract active, generated as on the 10th
of this month) for the month's last day: next month's invoices (planned on the 25th) and this
month's acts with their VAT invoices. Targets 25 s and 300 MB peak; prints documents per second
and the ratio to a bare COPY of the same rows into empty copies of the same tables.
ARENDA_BENCH_CONTRACTS changes the 20000."""
import os
import sys
import tempfile
from calendar import monthrange
from datetime import date

from benchmarks._database import active, app_for, bare_copy, copy_of
from benchmarks._report import child_print, figure, in_child, machine, measured

CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
LIMIT_SECONDS, LIMIT_MB = 25, 300


def month_end():
    from app.timeutil import today

    day = today()
    return day.replace(day=monthrange(day.year, day.month)[1])


def child(url, on):
    from app.extensions import db
    from app.jobs.nightly import nightly

    app = app_for(url)
    with app.app_context():
        summary, measure = measured(lambda: nightly(db.session, date.fromisoformat(on)))
        issued = summary["issued"]
        ids = {table: ",".join(map(str, issued[f"{table}_ids"])) or "0" for table in ("invoice", "act", "vat_invoice")}
        bare = bare_copy(db.session, {table: f"id IN ({ids[table]})" for table in ids})
        child_print({"invoices": issued["invoices"], "acts": issued["acts"], "vat_invoices": issued["vat_invoices"],
                     "failed": len(issued["failed"]), "bare_seconds": bare, **measure})


def run(contracts):
    """The nightly job on a fresh copy of the `active` data of `contracts`: the child's figures."""
    with copy_of(active(contracts)) as url, tempfile.TemporaryDirectory() as instance:
        return in_child("benchmarks.auto_issue", url, month_end().isoformat(), env={"ARENDA_INSTANCE_DIR": instance})


def main():
    if "--child" in sys.argv:
        return child(*sys.argv[sys.argv.index("--child") + 1:][:2])
    print(machine())
    result = run(CONTRACTS)
    documents = result["invoices"] + result["acts"] + result["vat_invoices"]
    print(f"  {CONTRACTS} contracts on {month_end()}: {result['invoices']} invoices, {result['acts']} acts, "
          f"{result['vat_invoices']} VAT invoices, {result['failed']} failed; "
          f"{documents / result['seconds']:.0f} documents per second")
    ok = figure("nightly auto-issue of one month", result["seconds"], "s", LIMIT_SECONDS, bare=result["bare_seconds"],
                bare_name=f"a bare COPY of the same {documents} rows", memory=result, memory_target=LIMIT_MB)
    return ok and result["invoices"] == result["acts"] == CONTRACTS and not result["failed"]


if __name__ == "__main__":
    main()
