"""The reconciliation act (SPEC §1.9, issue 16 item 2): opening balance from before the period,
acts and penalty invoices as debit, the customer's payments as credit, the closing balance; the
CLI's JSON, and the PDF and .xlsx with the same balances."""
import io
import json
from datetime import date
from decimal import Decimal

import openpyxl

from app.domain import reconciliation
from app.domain.enums import ActStatus, DocumentKind, Direction, InvoiceStatus
from app.models import Allocation
from tests import factories
from tests.test_pdf import text as pdf_text

D = Decimal


def _dataset(session):
    executor, tenant = factories.executor(session), factories.customer(session)
    contract = factories.contract(session, executor=executor, customer=tenant, number="С-1")
    other = factories.contract(session, executor=executor, customer=tenant, number="С-2")

    def act(day, amount, contract_=contract, status=ActStatus.SIGNED.value):
        return factories.act(session, contract_, date=day, amount=D(amount), status=status)

    def pay(day, amount, **fields):
        values = dict(payer_inn=tenant.inn, payer_kpp=tenant.kpp, recipient_inn=executor.inn, recipient_kpp=executor.kpp)
        values.update(fields)
        return factories.payment(session, date=day, amount=D(amount), **values)

    act(date(2026, 1, 31), "30000.00")                    # before: opening 30 000 − 25 000 = 5 000
    pay(date(2026, 1, 20), "25000.00")
    act(date(2026, 2, 28), "30000.00")                    # inside
    act(date(2026, 2, 28), "12000.00", other, ActStatus.ON_SIGNING.value)  # inside, another contract
    act(date(2026, 2, 28), "999.00", status=ActStatus.CANCELLED.value)     # cancelled: not a debit
    factories.invoice(session, contract, kind=DocumentKind.PENALTY.value, date=date(2026, 2, 15), amount=D("500.00"))
    factories.invoice(session, contract, date=date(2026, 2, 1), amount=D("30000.00"))  # a rent invoice: not a debit
    inside = pay(date(2026, 2, 10), "20000.00")           # inside, allocated to С-1
    rent = factories.invoice(session, contract, date=date(2026, 2, 2), amount=D("20000.00"), status=InvoiceStatus.ISSUED.value)
    session.add(Allocation(payment=inside, invoice=rent, amount=D("20000.00")))
    pay(date(2026, 2, 20), "7000.00")                      # inside, not allocated
    pay(date(2026, 2, 21), "1.00", payer_inn=factories.org_inn())  # somebody else's
    pay(date(2026, 2, 22), "2.00", direction=Direction.OUTGOING.value)  # ours, outgoing
    pay(date(2026, 3, 5), "30000.00")                      # after the period
    act(date(2026, 3, 31), "30000.00")                    # after the period
    session.flush()
    return executor, tenant, contract


def test_balances_over_a_period_with_payments_before_inside_and_after(session):
    executor, tenant, contract = _dataset(session)

    act = reconciliation.reconcile(session, executor, tenant, date(2026, 2, 1), date(2026, 2, 28))

    assert act.as_json() == {"opening": D("5000.00"), "debit": D("42500.00"), "credit": D("27000.00"), "closing": D("20500.00")}
    assert [(e.day, e.debit, e.credit) for e in act.entries] == [
        (date(2026, 2, 10), D("0.00"), D("20000.00")),
        (date(2026, 2, 15), D("500.00"), D("0.00")),
        (date(2026, 2, 20), D("0.00"), D("7000.00")),
        (date(2026, 2, 28), D("30000.00"), D("0.00")),
        (date(2026, 2, 28), D("12000.00"), D("0.00")),
    ]


def test_one_contract_counts_its_acts_and_what_is_allocated_to_it(session):
    executor, tenant, contract = _dataset(session)
    act = reconciliation.reconcile(session, executor, tenant, date(2026, 2, 1), date(2026, 2, 28), contract)
    # opening: the January act, no allocated payment; debit 30 000 + 500; credit the allocated 20 000
    assert act.as_json() == {"opening": D("30000.00"), "debit": D("30500.00"), "credit": D("20000.00"), "closing": D("40500.00")}


def test_cli_prints_the_balances_and_writes_pdf_and_xlsx_that_match(app, session, tmp_path):
    executor, tenant, contract = _dataset(session)
    session.commit()
    args = ["reconcile", "--executor", executor.inn, "--customer", tenant.inn, "--from", "2026-02-01", "--to", "2026-02-28"]
    pdf_file, xlsx_file = tmp_path / "act.pdf", tmp_path / "act.xlsx"

    as_pdf = app.test_cli_runner().invoke(args=args + ["-o", str(pdf_file)])
    as_xlsx = app.test_cli_runner().invoke(args=args + ["-o", str(xlsx_file)])

    expected = {"opening": "5000.00", "debit": "42500.00", "credit": "27000.00", "closing": "20500.00"}
    assert as_pdf.exit_code == 0, as_pdf.output
    assert json.loads(as_pdf.stdout) == expected and json.loads(as_xlsx.stdout) == expected
    text = pdf_text(pdf_file.read_bytes())
    assert "Акт сверки взаиморасчётов" in text and "5 000,00" in text and "42 500,00" in text and "27 000,00" in text
    assert "20 500,00" in text and f"По данным {tenant.name}" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.read_bytes())).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["Сальдо начальное", 5000.0, "Сальдо начальное"] in rows
    assert ["Обороты за период", 42500.0, 27000.0, "Обороты за период"] in rows
    assert ["Сальдо конечное", 20500.0, "Сальдо конечное"] in rows


def test_cli_for_one_contract_and_clear_refusals(app, session):
    executor, tenant, contract = _dataset(session)
    session.commit()
    base = ["reconcile", "--executor", executor.inn, "--customer", tenant.inn, "--from", "2026-02-01", "--to", "2026-02-28"]
    runner = app.test_cli_runner()

    one = runner.invoke(args=base + ["--contract", "С-1"])
    unknown = runner.invoke(args=base + ["--contract", "НЕТ"])
    backwards = runner.invoke(args=base[:5] + ["--from", "2026-03-01", "--to", "2026-02-01"])
    bad_file = runner.invoke(args=base + ["-o", "act.doc"])

    assert json.loads(one.stdout)["closing"] == "40500.00"
    assert unknown.exit_code == 1 and "НЕТ" in unknown.output
    assert backwards.exit_code == 1 and "раньше" in backwards.output
    assert bad_file.exit_code == 1 and ".xlsx" in bad_file.output


def test_page_from_the_contract_card_shows_the_balances_and_downloads(client, session, login_as):
    executor, tenant, contract = _dataset(session)
    session.commit()
    login_as("Accountant")
    url = f"/reconciliation/?executor={executor.id}&customer={tenant.id}&from=2026-02-01&to=2026-02-28"

    page = client.get(url)
    as_pdf, as_xlsx = client.get(url + "&format=pdf"), client.get(url + "&format=xlsx")
    backwards = client.get(url.replace("from=2026-02-01", "from=2026-03-31"))

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="opening" colspan="2"><span class="money">5&nbsp;000,00' in html
    assert 'id="closing" colspan="2"><span class="money">20&nbsp;500,00' in html
    assert as_pdf.data.startswith(b"%PDF") and as_xlsx.data.startswith(b"PK")
    assert backwards.status_code == 200 and "раньше его начала" in backwards.get_data(as_text=True)
    typed = client.get(url.replace("from=2026-02-01&to=2026-02-28", "from=01.02.2026&to=28.02.2026")).text  # the form's dates
    assert 'id="closing" colspan="2"><span class="money">20&nbsp;500,00' in typed
    assert 'name="from" class="form-control" data-provide="datepicker"' in typed and 'value="01.02.2026"' in typed


def test_sent_from_the_customer_card_to_its_recipients_once_through_the_outbox(client, session, login_as):
    import json

    from sqlalchemy import select

    from app.models import OutboxMessage
    from app.notify import attachments
    from app.notify.sender import files_dir

    executor, tenant, contract = _dataset(session)
    tenant.recipient_emails = "buh@tenant.example, boss@tenant.example"
    session.commit()
    login_as("Accountant")

    card = client.get(f"/counterpartyview/show/{tenant.id}").get_data(as_text=True)
    link = f"/reconciliation/?executor={executor.id}&amp;customer={tenant.id}"
    assert 'id="customer-contracts"' in card and link in card and "№ С-1" in card
    page = client.get(f"/reconciliation/?executor={executor.id}&customer={tenant.id}&from=2026-02-01&to=2026-02-28").get_data(as_text=True)
    assert 'id="reconciliation-send"' in page

    form = {"executor": executor.id, "customer": tenant.id, "from": "2026-02-01", "to": "2026-02-28"}
    sent = client.post("/reconciliation/send", data=form, follow_redirects=True)
    again = client.post("/reconciliation/send", data=form, follow_redirects=True)

    assert "поставлен в очередь отправки" in sent.get_data(as_text=True)
    assert "сегодня уже отправлен" in again.get_data(as_text=True)
    messages = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "reconciliation_sent")).all()
    assert sorted(m.recipient for m in messages) == ["boss@tenant.example", "buh@tenant.example"]
    message = messages[0]
    assert message.sender_name == f"Робот {executor.name}" and message.reply_to == executor.reply_to_email
    assert "20 500,00" in message.body_text
    [pdf_file] = attachments.load(session, json.loads(message.attachments), files_dir())
    assert pdf_file.filename == "Акт сверки 01.02.2026–28.02.2026.pdf" and "20 500,00" in pdf_text(pdf_file.data)


def test_sending_is_refused_without_an_address_and_for_readers(client, session, login_as):
    from app.models import OutboxMessage

    executor, tenant, contract = _dataset(session)
    tenant.email = tenant.recipient_emails = None
    session.commit()
    form = {"executor": executor.id, "customer": tenant.id, "from": "2026-02-01", "to": "2026-02-28"}
    login_as("Accountant")
    refused = client.post("/reconciliation/send", data=form, follow_redirects=True)
    assert "не указан адрес электронной почты" in refused.get_data(as_text=True)
    login_as("Viewer")
    assert 'id="reconciliation-send"' not in client.get(f"/reconciliation/?executor={executor.id}&customer={tenant.id}").get_data(as_text=True)
    assert client.post("/reconciliation/send", data=form).status_code in (302, 403)
    assert session.query(OutboxMessage).filter_by(event="reconciliation_sent").count() == 0
