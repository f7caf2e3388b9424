"""Every admin page a manager opens, on a large landlord (PostgreSQL, `demo generate --contracts
20000`): the start page, each list plain, filtered (needs attention, or a status) and searched
(a number), the contract and customer cards and the top bar's search — the server time through
the Flask test client (median of warm runs) and the SQL statements one request runs.
Target: every page ≤ 300 ms; a page's statement count must not grow with its rows (no N+1).
A plain count(*) of the invoices is printed first: on a busy machine every figure grows with it."""
import os

from sqlalchemy import event, func, select

from benchmarks._database import OWNER, PASSWORD, app_for, copy_of, generated, median_ms, template
from benchmarks._report import machine

CONTRACTS = int(os.environ.get("ARENDA_BENCH_CONTRACTS", "20000"))
TARGET_MS = 300
RUNS = 7


def _pages(session, views):
    from app.models import Contract, Invoice
    from app.views.attention import list_url

    contract = session.scalar(select(Contract).where(Contract.status == "signed").order_by(Contract.id.desc()).limit(1))
    invoice_number = session.scalar(select(Invoice.number).where(Invoice.number.is_not(None)).order_by(Invoice.id.desc()).limit(1))
    attention = {name: list_url(views[name]) for name in ("ContractView", "InvoiceView", "ActView", "PaymentView")}
    return [
        ("start page", "/"),
        ("contracts", "/contractview/list/"),
        ("contracts, needing attention", attention["ContractView"]),
        ("contracts, searched by number", f"/contractview/list/?_flt_0_number={contract.number}"),
        ("counterparties", "/counterpartyview/list/"),
        ("counterparties, searched by name", "/counterpartyview/list/?_flt_2_name=Генератор"),
        ("invoices", "/invoiceview/list/"),
        ("invoices, needing attention", attention["InvoiceView"]),
        ("invoices, searched by number", f"/invoiceview/list/?_flt_0_number={invoice_number}"),
        ("acts", "/actview/list/"),
        ("acts, needing attention", attention["ActView"]),
        ("VAT invoices", "/vatinvoiceview/list/"),
        ("money", "/paymentview/list/"),
        ("money, needing attention", attention["PaymentView"]),
        ("allocations", "/allocationview/list/"),
        ("agreements", "/agreementview/list/"),
        ("rooms", "/roomview/list/"),
        ("contract card", f"/contractview/show/{contract.id}"),
        ("customer card", f"/counterpartyview/show/{contract.customer_id}"),
        ("search: a number", f"/search/?q={invoice_number}"),
        ("search: a name", "/search/?q=Генератор"),
    ]


def main():
    from app.timeutil import today

    # the same generated data as the excel benchmark's (one template, a copy per run)
    data = template(f"mixed_{CONTRACTS}_{today():%Y%m%d}", generated(CONTRACTS, today()))
    print(machine())
    with copy_of(data) as url:
        run(app_for(url))


def run(app):
    from app.extensions import db

    with app.app_context():
        views = {type(v).__name__: v for v in app.appbuilder.baseviews}
        with app.test_request_context():
            pages = _pages(db.session, views)
            counted = {name: db.session.scalar(select(func.count()).select_from(t)) for name, t in
                       (("contracts", db.metadata.tables["contract"]), ("invoices", db.metadata.tables["invoice"]))}
            invoice = db.metadata.tables["invoice"]
            reference = median_ms(lambda: db.session.scalar(select(func.count()).select_from(invoice)), runs=RUNS)
        db.session.remove()
        print("rows: " + ", ".join(f"{name} {n}" for name, n in counted.items()))
        # How busy the machine is: the pages' figures scale with it.
        print(f"reference: a plain count(*) of invoice takes {reference:.0f} ms")
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
        client = app.test_client()
        client.post("/login/", data={"username": OWNER, "password": PASSWORD})
        over = 0
        for name, url in pages:
            def page(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            page()
            statements.clear()
            page()
            queries = len(statements)
            ms = median_ms(page, runs=RUNS, warmup=1)
            over += ms > TARGET_MS
            verdict = "ok" if ms <= TARGET_MS else "OVER TARGET"
            print(f"{name}: {ms:.0f} ms median, {queries} SQL statements "
                  f"(target ≤ {TARGET_MS} ms: {verdict}; {ms / TARGET_MS:.2f} of it)", flush=True)
        print(f"pages over target: {over} of {len(pages)}")


if __name__ == "__main__":
    main()
