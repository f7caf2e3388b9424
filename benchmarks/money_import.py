"""Import of a 50,000-document bank statement on PostgreSQL (issue 18.1).

Prints: the whole import (parse + dedupe + allocate + insert + commit; target ≤ 8 s, peak RSS ≤ 250
MB) with its ratio to a bare COPY of the same payment rows, then the parser's throughput in MB/s and
its ratio to a bare `data.decode("cp1251").splitlines()` of the same file (target ≥ 0.3×) and to the
PyPI parser `client-bank-1c` (target ≥ 3× its speed; benchmarks/requirements.txt, `make bench`
installs it).

The statement pays 40,000 issued invoices of 4,000 tenants (a few pairs of equal invoices tell
apart only by the number in the purpose), plus outgoing payments, card payments through a bank and
payments from strangers. The seeded database is a template made once per size; each run imports
into a copy of it.

    python -m benchmarks.money_import [--documents N]
"""
import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, text

from benchmarks._database import app_for, bare_copy, copy_of, template
from benchmarks._report import child_print, figure, in_child, machine, measured
from tests.statements import OURS, document, statement

TIME_LIMIT, MEMORY_LIMIT_MB = 8.0, 250
PARSER_RATIO, THEIRS_RATIO = 0.3, 3.0


def seed(url, invoices, tenants):
    """Our executor with its account, `tenants` customers and `invoices` issued, unpaid invoices. Returns
    [(tenant INN, KPP, invoice number, amount)] in creation order (the same every time: seeded)."""
    from flask_migrate import upgrade

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
        session.add(Setting(key=loader.SIZE_SETTING, value="1000"))  # the file is over the default 50 MB
        session.commit()
        db.session.remove()
        db.engine.dispose()
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


def import_in_child(url, path):
    """Runs in its own process: the import measured from the app up and the file read; then, for
    the ratio, a bare COPY of the rows it stored (into a scratch copy of the table, rolled back)."""
    from app import timeutil
    from app.extensions import db
    from app.imports import loader

    app = app_for(url)
    with app.app_context():
        data = Path(path).read_bytes()
        batch, measure = measured(lambda: (loader.import_file(db.session, data, today=timeutil.today(),
                                                              filename=Path(path).name), db.session.commit())[0])
        result = loader.summary(batch)
        child_print({**result, **measure, "bare_seconds": bare_copy(db.session, {"payment": f"batch_id = {batch.id}"})})


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
    ours = megabytes / best_of(3, lambda: client_bank.parse(data, timeutil.today()))
    bare = megabytes / best_of(3, lambda: data.decode("cp1251").splitlines())
    ok = figure("parser speed", ours, "MB/s", bare * PARSER_RATIO, bare=bare, bare_name="the speed of a bare decode+splitlines",
                higher_is_better=True)
    print(f"    (target: ≥ {PARSER_RATIO}× the bare speed)")
    try:
        import client_bank_1c
    except ImportError:
        print("  vs client-bank-1c: not installed (pip install -r benchmarks/requirements.txt)")
        return False
    theirs = megabytes / best_of(1, lambda: client_bank_1c.load(data))
    print(f"  parser vs client-bank-1c ({theirs:.1f} MB/s): {ours / theirs:.2f}× its speed (target ≥ {THEIRS_RATIO:g}×: "
          f"{'ok' if ours >= THEIRS_RATIO * theirs else 'OVER TARGET'})")
    return ok and ours >= THEIRS_RATIO * theirs


def seeded(documents):
    """The template holding the invoices a statement of `documents` pays, and that statement."""
    invoices = documents * 4 // 5
    paid_by = []

    def build(url):
        paid_by.extend(seed(url, invoices, max(1, invoices // 10)))

    database = template(f"money_{documents}", build)
    if not paid_by:  # built before: the seed is deterministic, read it back
        paid_by = paid_of(database)
    return database, build_statement(paid_by, documents)


def paid_of(database):
    from benchmarks._database import url_of

    app = app_for(url_of(database))
    from app.extensions import db

    with app.app_context():
        rows = db.session.execute(text("SELECT c.inn, c.kpp, i.number, i.amount FROM invoice i JOIN counterparty c"
                                       " ON c.id = i.customer_id ORDER BY i.id")).all()
        db.session.remove()
        db.engine.dispose()
    return [tuple(row) for row in rows]


def run(documents):
    """The import of a statement of `documents` into a fresh copy of its data: the child's figures."""
    database, data = seeded(documents)
    with tempfile.NamedTemporaryFile(suffix=".txt") as handle:
        handle.write(data)
        handle.flush()
        with copy_of(database) as url:
            result = in_child("benchmarks.money_import", url, handle.name)
    return dict(result, megabytes=len(data) / 1e6), data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=50000)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args([] if argv is None else argv)  # `python -m benchmarks` passes none
    if args.child:
        import_in_child(*args.child)
        return None
    print(machine())
    result, data = run(args.documents)
    print(f"  {args.documents} documents, {result['megabytes']:.1f} MB: imported {result['imported']}, duplicates "
          f"{result['duplicates']}, allocated {result['allocated']}, not allocated {result['not_allocated']}")
    ok = figure("import (parse + dedupe + allocate + insert + commit)", result["seconds"], "s", TIME_LIMIT,
                bare=result["bare_seconds"], bare_name="a bare COPY of the same payment rows", memory=result,
                memory_target=MEMORY_LIMIT_MB)
    return compare_parsers(data) and ok


if __name__ == "__main__":
    main(sys.argv[1:])
