"""Needs attention on a large landlord (PostgreSQL, `demo generate --contracts 20000` plus a
share of rows for every rule, a template made once, a copy per run): the start page counts
(target ≤ 100 ms, issue 18.3) against a bare count of the rows the rules' indexes hold, and the
filtered contract and invoice lists (≤ 300 ms) against a plain `SELECT count(*)` of the table.
Median of warm runs."""
import os
from datetime import timedelta

from sqlalchemy import func, select, text

from benchmarks._database import OWNER, PASSWORD, app_for, copy_of, generated, median_ms, template
from benchmarks._report import figure, machine

CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
COUNTS_MS, PAGE_MS = 100, 300
# The bare limit of the counts: count(*) of every index the rules read, each by its own
# predicate only (migrations 0002 and 0016_perf; the planned documents up to today).
INDEXED = (
    "SELECT count(*) FROM contract WHERE status IN ('draft', 'booked', 'on_signing')",
    "SELECT count(*) FROM contract WHERE status IN ('signed', 'registered') AND NOT has_original",
    "SELECT count(*) FROM contract WHERE status IN ('signed', 'registered') AND status <> 'registered'"
    " AND (end_in_force - start_date) + 1 > 364",
    "SELECT count(*) FROM invoice WHERE status = 'issued' AND paid_amount < amount",
    "SELECT count(*) FROM invoice WHERE status = 'cancelled' AND paid_amount > 0",
    "SELECT count(*) FROM invoice WHERE status = 'planned' AND planned_date <= :today",
    "SELECT count(*) FROM act WHERE status = 'on_signing'",
    "SELECT count(*) FROM act WHERE status = 'planned' AND planned_date <= :today",
    "SELECT count(*) FROM payment WHERE direction = 'incoming' AND allocated_amount < amount AND internal_transfer IS false",
)
# What a real landlord also has and `demo generate` does not: a share of rows for each rule.
WORK = (
    "UPDATE act SET status = 'on_signing' WHERE status = 'signed' AND id % 40 = 0",
    "UPDATE invoice SET status = 'cancelled' WHERE status = 'issued' AND paid_amount > 0 AND id % 200 = 0",
    "UPDATE invoice SET status = 'planned', number = NULL, date = NULL, planned_date = :overdue"
    " WHERE status = 'issued' AND paid_amount = 0 AND id % 5 = 0",
    "UPDATE act SET planned_date = :overdue WHERE status = 'planned' AND id % 5 = 0",
    "INSERT INTO payment (direction, date, number, amount, payer_name, payer_inn, recipient_name, recipient_inn,"
    " purpose, source, payer_is_bank, allocated_amount, created_at, updated_at)"
    " SELECT direction, date, number || '-б/с', amount, payer_name, payer_inn, recipient_name, recipient_inn,"
    " 'Оплата без счёта', source, false, 0, created_at, updated_at FROM payment WHERE id % 30 = 0",
)


def add_work(session):
    from app.timeutil import today

    for statement in WORK:
        session.execute(text(statement), {"overdue": today() - timedelta(days=3)})


def main():
    from app.timeutil import today

    data = template(f"attention_{CONTRACTS}_{today():%Y%m%d}", generated(CONTRACTS, today(), prepare=add_work))
    print(machine())
    with copy_of(data) as url:
        return run(app_for(url))


def run(app):
    from app.domain import attention
    from app.extensions import db
    from app.timeutil import today
    from app.views.attention import list_url
    from app.views.contracts import ContractView
    from app.views.documents import InvoiceView

    with app.app_context(), app.test_request_context():
        session = db.session
        sizes = {kind: session.scalar(select(func.count()).select_from(model)) for kind, model in attention.KINDS.items()}
        print("  rows: " + ", ".join(f"{kind} {n}" for kind, n in sizes.items()))
        plain = {
            kind: median_ms(lambda model=model: session.scalar(select(func.count()).select_from(model)))
            for kind, model in attention.KINDS.items()
        }
        views = {type(v): v for v in app.appbuilder.baseviews}
        urls = {kind: list_url(views[view]) for kind, view in (("contracts", ContractView), ("invoices", InvoiceView))}
        counted = attention.counts(session, today())
        print(f"  needing attention: {counted.as_json()}")
        counts_ms = median_ms(lambda: attention.counts(session, today()))
        indexed_ms = median_ms(lambda: [session.scalar(text(query), {"today": today()}) for query in INDEXED])
        session.rollback()
        db.engine.dispose()

    client = app.test_client()
    client.post("/login/", data={"username": OWNER, "password": PASSWORD})

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    ok = figure("needs-attention counts (all rules)", counts_ms, "ms", COUNTS_MS, bare=indexed_ms,
                bare_name="a bare count(*) of the partial indexes the rules read")
    print(f"    ({sum(plain.values()):.1f} ms: a plain count(*) of the four tables)")
    for name, url, kind in (("contract list, filtered", urls["contracts"], "contracts"),
                            ("invoice list, filtered", urls["invoices"], "invoices")):
        ok &= figure(name, median_ms(lambda url=url: page(url)), "ms", PAGE_MS, bare=plain[kind],
                     bare_name=f"a plain count(*) of {kind}")
    return ok


if __name__ == "__main__":
    main()
