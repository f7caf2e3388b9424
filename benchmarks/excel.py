"""Excel both ways on PostgreSQL (issue 14).

1. «Экспорт в Excel» of the invoice list through the admin route, all of at least 200,000
   rows, in a child process: seconds (target ≤ 20 s) and its peak RSS (≤ 200 MB) from the app
   up and signed in (`_report.measured`), the body read as a server sends it.
2. The onboarding import of a workbook with 5,000 contracts (5,000 tenants, 5,000 rooms):
   check + create with the schedules (target ≤ 60 s).

The data (`demo generate`) is a template made once; each run works on a copy of it. A smaller
first run: ARENDA_BENCH_EXCEL_CONTRACTS=2000 (the export then has fewer rows than the target's
200,000). Each figure is printed with its target and their ratio; `--only export|import` runs one part.

    python -m benchmarks excel
    python -m benchmarks.excel --only export
"""
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime

from sqlalchemy import func, select

from benchmarks._database import OWNER, PASSWORD, app_for, copy_of, generated, template
from benchmarks._report import machine, measured

CONTRACTS = int(os.environ.get("ARENDA_BENCH_EXCEL_CONTRACTS") or 6_500)  # 204,059 invoices: the target's 200,000
ROWS, EXPORT_LIMIT_S, EXPORT_LIMIT_MB, IMPORT_LIMIT_S, IMPORTED = 200_000, 20.0, 200, 60.0, 5_000


def _export_child(url):
    from app.models import Invoice

    app = app_for(url)
    with app.app_context():
        from app.extensions import db

        rows = db.session.scalar(select(func.count()).select_from(Invoice))
        db.session.remove()
    client = app.test_client()
    client.post("/login/", data={"username": OWNER, "password": PASSWORD})

    def export():
        response = client.get("/invoiceview/export/xlsx", buffered=False)
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.iter_encoded())  # read as a server sends it, not held whole
        response.close()
        return size

    size, figures = measured(export)  # the peak from the app up and signed in (the login's hash alone takes 32 MB)
    print(json.dumps({"rows": rows, "seconds": round(figures["seconds"], 1), "cpu_seconds": round(figures["cpu_seconds"], 1),
                      "peak_mb": round(figures["baseline_mb"] + figures["peak_mb"]),
                      "baseline_mb": round(figures["baseline_mb"]), "bytes": size,
                      "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def _workbook(count):
    """A filled onboarding template: our executor, `count` tenants, rooms and contracts."""
    from app.demo.data import numbered_org_inn
    from app.domain import onboarding
    from app.domain.validation import with_account_key
    from app.exports import xlsx

    executor = numbered_org_inn(990000)
    parties = [["Юридическое лицо", "ООО «Бенч-Арендодатель»", None, executor, "770101001", None, None, None, None, "Да",
                "Б-", None, with_account_key("40702810400000099999", "044525225"), "044525225", "ПАО Сбербанк", None]]
    rooms, contracts = [], []
    for n in range(count):
        inn = numbered_org_inn(900000 + n)
        parties.append(["Юридическое лицо", f"ООО «Бенч {n}»", None, inn, "770101001"] + [None] * 11)
        rooms.append([f"Бенч-центр {n // 500}", None, (n % 500) // 50 + 1, f"Б-{n}", "Офис", 40, 24000])
        contracts.append([executor, "770101001", f"Б-{n}", datetime(2026, 1, 1), inn, "770101001", "Подписан",
                          datetime(2026, 1, 1), datetime(2026, 12, 31), "НДС сверху", 25, 5, None,
                          f"Бенч-центр {n // 500}", (n % 500) // 50 + 1, f"Б-{n}", None, None])

    def sheet(title, rows):
        return xlsx.Sheet(title, [xlsx.Column(f.header) for f in onboarding.SHEETS[title]], rows)

    return xlsx.to_bytes([sheet(onboarding.PARTIES, parties), sheet(onboarding.PROPERTY, rooms),
                          sheet(onboarding.CONTRACTS, contracts)])


def _import(url):
    from app.domain import onboarding
    from app.extensions import db
    from app.imports import onboarding as reader
    from app.timeutil import today

    app = app_for(url)
    data = _workbook(IMPORTED)
    with app.app_context():
        session = db.session
        started, cpu = time.perf_counter(), time.process_time()
        plan = onboarding.check(session, reader.read(data))
        assert not plan.problems, plan.problems[:5]
        checked = time.perf_counter() - started
        counts = onboarding.create(session, plan, today())
        session.commit()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"onboarding import of {IMPORTED} contracts: {counts}, check {checked:.1f} s, total {seconds:.1f} s "
              f"({cpu:.1f} s CPU of this process), target {IMPORT_LIMIT_S:.0f} s, ratio {seconds / IMPORT_LIMIT_S:.2f}", flush=True)


def main():
    if "--export-child" in sys.argv:
        return _export_child(sys.argv[sys.argv.index("--export-child") + 1])
    from app.timeutil import today

    data = template(f"mixed_{CONTRACTS}_{today():%Y%m%d}", generated(CONTRACTS, today()))
    print(machine())
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    with copy_of(data) as url:
        if only in (None, "export"):
            _export(url)
        if only in (None, "import"):
            _import(url)


def _export(url):
    out = subprocess.run([sys.executable, "-m", "benchmarks.excel", "--export-child", url], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr[-3000:])
        raise SystemExit(1)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    rows = figures["rows"]
    print(f"list export: {rows} invoices in {figures['seconds']} s, {figures['cpu_seconds']} s CPU (target {EXPORT_LIMIT_S:.0f} s for {ROWS}: "
          f"ratio {figures['seconds'] / EXPORT_LIMIT_S:.2f}; per 200,000 rows {figures['seconds'] * ROWS / max(rows, 1):.1f} s), "
          f"peak {figures['peak_mb']} MB (target {EXPORT_LIMIT_MB} MB: ratio {figures['peak_mb'] / EXPORT_LIMIT_MB:.2f}; "
          f"the app up and signed in {figures['baseline_mb']} MB, the child's lifetime maximum {figures['max_rss_mb']} MB), "
          f"{figures['bytes'] / 1e6:.1f} MB file", flush=True)


if __name__ == "__main__":
    main()
