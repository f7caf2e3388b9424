"""Needs attention on a large landlord (PostgreSQL, `demo generate --contracts 20000` plus a
share of rows for every rule): the start page counts and the filtered contract and invoice
lists, each against a plain `SELECT count(*)` of the same table(s).
Targets: counts ≤ 150 ms, list pages ≤ 300 ms (median, warm)."""
from datetime import timedelta

from sqlalchemy import func, select, text

from benchmarks._database import OWNER, PASSWORD, app_with_contracts, median_ms

DATABASE = "arenda_bench_attention"
CONTRACTS = 20000
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
    from app.domain import attention
    from app.extensions import db
    from app.timeutil import today
    from app.views.attention import list_url
    from app.views.contracts import ContractView
    from app.views.documents import InvoiceView

    app = app_with_contracts(DATABASE, CONTRACTS, prepare=add_work)
    with app.app_context(), app.test_request_context():
        session = db.session
        sizes = {kind: session.scalar(select(func.count()).select_from(model)) for kind, model in attention.KINDS.items()}
        print("rows: " + ", ".join(f"{kind} {n}" for kind, n in sizes.items()))
        plain = {
            kind: median_ms(lambda model=model: session.scalar(select(func.count()).select_from(model)))
            for kind, model in attention.KINDS.items()
        }
        views = {type(v): v for v in app.appbuilder.baseviews}
        urls = {kind: list_url(views[view]) for kind, view in (("contracts", ContractView), ("invoices", InvoiceView))}
        counted = attention.counts(session, today())
        print(f"needing attention: {counted.as_json()}")
        counts_ms = median_ms(lambda: attention.counts(session, today()))
        session.rollback()

    client = app.test_client()
    client.post("/login/", data={"username": OWNER, "password": PASSWORD})

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    figures = [
        ("dashboard counts (all rules)", counts_ms, sum(plain.values()), "count(*) of the four tables", 150),
        ("contract list, filtered", median_ms(lambda: page(urls["contracts"])), plain["contracts"], "count(*) of contract", 300),
        ("invoice list, filtered", median_ms(lambda: page(urls["invoices"])), plain["invoices"], "count(*) of invoice", 300),
    ]
    for name, ms, base, base_name, target in figures:
        verdict = "ok" if ms <= target else "OVER TARGET"
        print(f"{name}: {ms:.1f} ms median (target ≤ {target} ms: {verdict}); "
              f"{ms / base:.1f}× a plain {base_name} ({base:.2f} ms)")
