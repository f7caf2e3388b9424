"""Bulk actions on the invoice and act lists: issue, sign, cancel, send to the customer again —
the single actions' domain functions row by row, refusals counted with their reason, the
rows refused left as they were."""
import re

from sqlalchemy import select

from app.domain.enums import DocumentKind
from app.models import Act, Invoice, OutboxMessage
from app.permissions import ROLE_MANAGER, ROLE_VIEWER
from tests import factories


def _contract(session, today, **fields):
    contract = factories.billed_contract(session, today, **fields)
    session.commit()
    return contract


def _rows(session, model, contract, status):
    query = select(model).where(model.contract_id == contract.id, model.kind == DocumentKind.RENT.value, model.status == status)
    return session.scalars(query.order_by(model.period_start)).all()


def _act(client, view, name, ids):
    return client.post(f"/{view}/action_post", data={"action": name, "rowid": [str(i) for i in ids]}, follow_redirects=True)


def test_issue_selected_plans_and_count_the_rows_refused(session, login_as, today):
    contract = _contract(session, today)
    plans = [i.id for i in _rows(session, Invoice, contract, "planned")[-2:]]
    issued = factories.invoice(session, contract, kind=DocumentKind.OTHER.value,
                               period_start=contract.start_date, period_end=contract.start_date).id
    session.commit()
    page = _act(login_as(ROLE_MANAGER), "invoiceview", "issue_selected", plans + [issued]).text
    assert "Выставлено документов: 2" in page
    assert "Не выполнено (1): Документ уже выставлен или отменён" in page
    session.expire_all()
    assert all(session.get(Invoice, pk).status == "issued" and session.get(Invoice, pk).number for pk in plans)


def test_sign_selected_acts_signs_those_on_signing_only(session, login_as, today):
    contract = _contract(session, today)
    on_signing = factories.act(session, contract, status="on_signing", period_start=contract.start_date, period_end=contract.start_date)
    signed = factories.act(session, contract, status="signed", period_start=contract.start_date, period_end=contract.start_date)
    session.commit()
    page = _act(login_as(ROLE_MANAGER), "actview", "sign_selected", [on_signing.id, signed.id]).text
    assert "Подписано актов: 1" in page and "Не выполнено (1): Подписать можно только акт на подписании" in page
    session.expire_all()
    assert session.get(Act, on_signing.id).status == "signed"


def test_cancel_selected_keeps_the_documents_as_cancelled_history(session, login_as, today):
    contract = _contract(session, today)
    first, second = (factories.invoice(session, contract, period_start=contract.start_date, period_end=contract.start_date)
                     for _ in range(2))
    gone = factories.invoice(session, contract, status="cancelled", period_start=contract.start_date, period_end=contract.start_date)
    session.commit()
    page = _act(login_as(ROLE_MANAGER), "invoiceview", "cancel_selected", [first.id, second.id, gone.id]).text
    assert "Отменено документов: 2" in page and "Не выполнено (1): Документ уже отменён" in page
    session.expire_all()
    assert {session.get(Invoice, pk).status for pk in (first.id, second.id)} == {"cancelled"}


def test_resend_selected_queues_one_email_per_customer_with_the_pdfs(session, login_as, today):
    contract = _contract(session, today, customer=factories.customer(session, email="tenant@test.example"))
    quiet = _contract(session, today, customer=factories.customer(session, email=None))
    docs = [factories.invoice(session, contract, period_start=contract.start_date, period_end=contract.start_date) for _ in range(2)]
    no_address = factories.invoice(session, quiet, period_start=quiet.start_date, period_end=quiet.start_date)
    plan = _rows(session, Invoice, contract, "planned")[0]
    session.commit()
    client = login_as(ROLE_MANAGER)
    page = _act(client, "invoiceview", "resend_selected", [d.id for d in docs] + [no_address.id, plan.id]).text
    assert "Документов к отправке: 2" in page and "Писем заказчикам поставлено в очередь: 1" in page
    assert "Не выполнено (1): У заказчика не указана почта" in page
    assert "Не выполнено (1): Документ не выставлен или отменён" in page
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "tenant@test.example" and message.attachments.count('"invoice"') == 2
    _act(client, "invoiceview", "resend_selected", [docs[0].id])  # each press is a new message
    assert len(session.scalars(select(OutboxMessage)).all()) == 2


def test_a_viewer_cannot_run_bulk_actions(session, login_as, today):
    contract = _contract(session, today)
    plan = _rows(session, Invoice, contract, "planned")[0]
    _act(login_as(ROLE_VIEWER), "invoiceview", "issue_selected", [plan.id])
    session.expire_all()
    assert session.get(Invoice, plan.id).status == "planned"


def test_the_list_offers_the_actions_with_russian_confirmations(session, login_as, today):
    _contract(session, today)
    page = login_as(ROLE_MANAGER).get("/actview/list/").text
    for text in ("Выставить выбранные", "Отметить подписанными", "Отменить выбранные", "Отправить заказчику",
                 "Отметить выбранные акты подписанными заказчиком?"):
        assert text in page


def test_a_bulk_action_needs_the_lists_csrf_token(app, client, session, login_as, today, monkeypatch):
    contract = _contract(session, today)
    plan = _rows(session, Invoice, contract, "planned")[0]
    login_as(ROLE_MANAGER)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/invoiceview/action_post", data={"action": "issue_selected", "rowid": [str(plan.id)]}).status_code == 400
    session.expire_all()
    assert session.get(Invoice, plan.id).status == "planned"
    page = client.get("/invoiceview/list/").text
    form = page.split('id="action_form"')[1].split("</form>")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = client.post("/invoiceview/action_post", data={"action": "issue_selected", "rowid": [str(plan.id)], "csrf_token": token},
                       follow_redirects=True)
    assert "Выставлено документов: 1" in done.text
