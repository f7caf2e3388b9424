"""Import of a 50,000-document bank statement on PostgreSQL.

Prints: the whole import (parse + dedupe + allocate + insert + commit; target ≤ 10 s) and its peak
memory (the importing process's peak RSS; target ≤ 300 MB), then the parser's throughput in MB/s, its
ratio to a bare `data.decode("cp1251").splitlines()` of the same file, and to the PyPI parser
`client-bank-1c` (benchmarks/requirements.txt; `make bench` installs it).

The statement pays 40,000 issued invoices of 4,000 tenants (a few pairs of equal invoices tell
apart only by the number in the purpose), plus outgoing payments, card payments through a bank and
payments from strangers. The run creates its own database on the server of
ARENDA_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and drops it.

    python -m benchmarks.money_import [--documents N]
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from tests.statements import OURS, document, statement

SERVER = os.environ.get("ARENDA_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TIME_LIMIT, MEMORY_LIMIT_MB = 10.0, 300


def app_for(url):
    from app import create_app
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def seed(url, invoices, tenants):
    """Our executor with its account, `tenants` customers and `invoices` issued, unpaid invoices. Returns
    [(tenant INN, KPP, invoice number, amount)] in creation order."""
    from flask_migrate import upgrade

    from app import timeutil
    from app.demo.data import numbered_org_inn
    from app.extensions import db
    from app.imports import loader
    from app.models import BankAccount, Contract, Counterparty, Invoice, Setting

    rng = random.Random(5)
    app = app_for(url)
    with app.app_context():
        upgrade()
        session = db.session
        session.execute(insert(Counterparty), [dict(id=1, name=OURS["name"], inn=OURS["inn"], kpp=OURS["kpp"], is_executor=True,
                                                    is_customer=False, doc_prefix="А-")])
        session.execute(insert(BankAccount), [dict(counterparty_id=1, account=OURS["account"], bik=OURS["bik"], bank_name=OURS["bank"])])
        customers = [dict(id=i + 2, name=f"ООО «Арендатор {i + 1}»", inn=numbered_org_inn(i + 2), kpp="771001001", is_customer=True)
                     for i in range(tenants)]
        session.execute(insert(Counterparty), customers)
        session.execute(insert(Contract), [dict(id=c["id"], number=f"Д-{c['id']}", date=date(2025, 1, 1), executor_id=1,
                                                customer_id=c["id"], start_date=date(2025, 1, 1), status="signed",
                                                link_key=uuid.uuid4().hex) for c in customers])
        rows, paid_by = [], []
        for n in range(invoices):
            customer = customers[n % tenants]
            # every 50th invoice repeats the amount of the tenant's previous one: only the purpose tells them apart
            amount = rows[-tenants]["amount"] if n % 50 == 49 and n >= tenants else Decimal(rng.randrange(20000, 900000)) / 100
            rows.append(dict(id=n + 1, contract_id=customer["id"], executor_id=1, customer_id=customer["id"], kind="rent",
                             number=f"А-{n + 1}", date=date(2026, 1, 25), period_start=date(2026, 2, 1),
                             period_end=date(2026, 2, 28), due_date=date(2026, 2, 5), amount=amount, status="issued"))
            paid_by.append((customer["inn"], customer["kpp"], f"А-{n + 1}", amount))
        for start in range(0, len(rows), 5000):
            session.execute(insert(Invoice), rows[start:start + 5000])
        session.execute(text("SELECT setval(pg_get_serial_sequence('counterparty', 'id'), 100000)"))
        session.add(Setting(key=loader.SIZE_SETTING, value="100"))  # the file is a little over the default 50 MB
        session.commit()
    return paid_by


def build_statement(paid_by, documents):
    rng = random.Random(7)
    docs = []
    for n, (inn, kpp, number, amount) in enumerate(paid_by[:documents]):
        tenant = dict(name=f"ООО «Арендатор {inn}»", inn=inn, kpp=kpp, account=f"40702810{n:012d}", bik="044525593",
                      bank='АО "АЛЬФА-БАНК"')
        docs.append(document(n + 1, date(2026, 2, 1) + timedelta(days=n % 28), amount, tenant, OURS,
                             f"Оплата по счету № {number} от 25.01.2026 за аренду за февраль 2026. В т.ч. НДС 20%"))
    extra = documents - len(docs)
    for n in range(extra):
        day, number, amount = date(2026, 2, 1) + timedelta(days=n % 28), 900000 + n, Decimal(rng.randrange(10000, 500000)) / 100
        if n % 3 == 0:  # outgoing: we pay a supplier
            supplier = dict(name="ООО «Клининг»", inn="7705000019", kpp="770501001", account=f"40702810500{n:09d}", bik="044525974")
            docs.append(document(number, day, amount, OURS, supplier, "Оплата уборки по счёту 15", incoming=False))
        elif n % 3 == 1:  # a person's card payment, the bank as payer
            bank = dict(name="ПАО СБЕРБАНК", inn="7707083893", kpp="773601001", account=f"30233810{n:012d}", bik="044525225")
            docs.append(document(number, day, amount, bank, OURS, f"Перевод по СБП от Иванов Иван Иванович. Аренда кладовой {n}",
                                 kind="Банковский ордер"))
        else:  # a stranger
            stranger = dict(name="ООО «Незнакомец»", inn="7703000018", kpp="770301001", account=f"40702810600{n:09d}", bik="044525593")
            docs.append(document(number, day, amount, stranger, OURS, "Оплата по договору 7"))
    return statement(docs, start=date(2026, 2, 1), end=date(2026, 2, 28))


def _memory_mb(field):
    """VmRSS / VmHWM (peak) of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_in_child(url, path):
    """Runs in its own process, whose peak RSS (reset once the app is up) is then the import's."""
    from app import timeutil
    from app.extensions import db
    from app.imports import loader

    app = app_for(url)
    with app.app_context():
        data = Path(path).read_bytes()
        Path("/proc/self/clear_refs").write_text("5")  # start the peak (VmHWM) from here
        before = _memory_mb("VmRSS")
        started = time.perf_counter()
        batch = loader.import_file(db.session, data, today=timeutil.today(), filename=Path(path).name)
        db.session.commit()
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_mb": _memory_mb("VmHWM"), "before_mb": before, **loader.summary(batch)}))


def best_of(runs, call):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def compare_parsers(data):
    from app import timeutil
    from app.imports import client_bank

    megabytes = len(data) / 1e6
    ours = best_of(3, lambda: client_bank.parse(data, timeutil.today()))
    bare = best_of(3, lambda: data.decode("cp1251").splitlines())
    print(f"  parse: {megabytes / ours:.1f} MB/s ({ours:.2f} s for {megabytes:.1f} MB)")
    print(f"  vs bare decode+splitlines ({megabytes / bare:.1f} MB/s): {bare / ours:.2f}× its speed")
    try:
        import client_bank_1c
    except ImportError:
        print("  vs client-bank-1c: not installed (pip install -r benchmarks/requirements.txt)")
        return
    theirs = best_of(1, lambda: client_bank_1c.load(data))
    print(f"  vs client-bank-1c ({megabytes / theirs:.1f} MB/s): {theirs / ours:.2f}× faster")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=50000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args([] if argv is None else argv)  # `python -m benchmarks` passes none
    if args.child:
        import_in_child(*args.child)
        return
    name = f"arenda_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        invoices = args.documents * 4 // 5
        paid_by = seed(url, invoices, max(1, invoices // 10))
        data = build_statement(paid_by, args.documents)
        with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as handle:
            handle.write(data)
        print(f"money import: {args.documents} documents, {len(data) / 1e6:.1f} MB, PostgreSQL")
        child = subprocess.run([sys.executable, "-m", "benchmarks.money_import", "--child", url, handle.name],
                               capture_output=True, text=True)
        if child.returncode:
            raise SystemExit(f"the import failed:\n{child.stderr[-3000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        verdict = "ok" if result["seconds"] <= TIME_LIMIT and result["peak_mb"] <= MEMORY_LIMIT_MB else "OVER TARGET"
        print(f"  import (parse + dedupe + allocate + insert + commit): {result['seconds']:.2f} s "
              f"(target ≤ {TIME_LIMIT:.0f} s); peak RSS {result['peak_mb']:.0f} MB, of which {result['before_mb']:.0f} MB "
              f"already in use with the app up and the file read (target ≤ {MEMORY_LIMIT_MB} MB): {verdict}")
        print(f"  result: imported {result['imported']}, duplicates {result['duplicates']}, allocated {result['allocated']}, "
              f"not allocated {result['not_allocated']}")
        compare_parsers(data)
        os.unlink(handle.name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
