"""The schedule in the admin and the REST API: rebuilt on every change, shown on the contract
card, documents issued, signed, cancelled and downloaded from there."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain import schedule
from app.domain.enums import DocumentKind
from app.models import Act, Contract, Invoice, VatInvoice
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_VIEWER
from app.timeutil import today
from tests import factories

TODAY = today()
MONTH = TODAY.replace(day=1)
PREVIOUS_MONTH = (MONTH - timedelta(days=1)).replace(day=1)
# The last day of the month about five months ahead: the schedule ends on a whole month.
LAST_DAY = (MONTH + timedelta(days=155)).replace(day=1) - timedelta(days=1)


def signed_contract(session, **fields):
    values = dict(monthly_rent=Decimal("30000.00"), vat_mode="none", vat_rate=Decimal("0"), date=PREVIOUS_MONTH - timedelta(days=9), start_date=PREVIOUS_MONTH,
                  end_date=LAST_DAY)
    values.update(fields)
    contract = factories.contract(session, **values)
    schedule.rebuild(session, contract, TODAY)
    session.commit()
    return contract


def rent(session, model, contract_id, **where):
    query = select(model).where(model.contract_id == contract_id, model.kind == DocumentKind.RENT.value).order_by(model.period_start)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalars(query).all()


def form(contract, **fields):
    values = {
        "number": contract.number, "date": contract.date.isoformat(), "executor": contract.executor_id, "customer": contract.customer_id,
        "status": contract.status, "start_date": contract.start_date.isoformat(), "end_date": contract.end_date.isoformat(),
        "monthly_rent": str(contract.monthly_rent), "vat_mode": contract.vat_mode, "vat_rate": str(contract.vat_rate),
        "billing_period": contract.billing_period, "invoiced_period": contract.invoiced_period, "invoice_day": contract.invoice_day,
        "payment_term_days": contract.payment_term_days or "", "notify_days_before_end": 30,
        "has_original": "y", "autosend_documents": "y",
    }
    values.update(fields)
    return values


def test_contract_saved_in_the_form_gets_its_schedule_and_a_status_change_drops_it(session, login_as):
    client = login_as(ROLE_MANAGER)
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    draft = Contract(number="Ф-1", date=MONTH, executor_id=executor.id, customer_id=customer.id, status="signed", start_date=MONTH,
                     end_date=MONTH + timedelta(days=200), monthly_rent=Decimal("31000.00"), vat_mode="none", vat_rate=Decimal("0"),
                     billing_period="calendar_month", invoiced_period="next", invoice_day=25, payment_term_days=5)
    response = client.post("/contractview/add", data=form(draft))
    assert response.status_code == 302, response.text
    contract_id = session.scalar(select(Contract.id).where(Contract.number == "Ф-1"))
    assert len(rent(session, Invoice, contract_id, status="planned")) >= 6
    assert rent(session, Invoice, contract_id)[0].amount == Decimal("31000.00")
    contract = session.get(Contract, contract_id)
    client.post(f"/contractview/edit/{contract_id}", data=form(contract, status="cancelled"))
    session.expire_all()
    assert rent(session, Invoice, contract_id) == [] and rent(session, Act, contract_id) == []
    assert [c.new_status for c in session.get(Contract, contract_id).status_history] == ["signed", "cancelled"]


def test_agreement_and_its_rooms_change_the_plans_and_its_deletion_restores_them(session, client, login_as, api_token):
    contract = signed_contract(session)
    contract_id, start = contract.id, (MONTH + timedelta(days=31)).replace(day=1)
    room_id = factories.room(session, area=Decimal("50.00")).id
    session.commit()
    response = client.post("/api/v1/agreement/", headers=api_token(ROLE_MANAGER), json={
        "contract": contract_id, "number": "1", "date": TODAY.isoformat(), "start_date": start.isoformat(), "notify_days_before": 7,
    })
    assert response.status_code == 201, response.json
    agreement_id = response.json["id"]
    browser = login_as(ROLE_MANAGER)
    response = browser.post("/agreementroomview/add", data={"agreement": agreement_id, "room": room_id, "area": "50.00", "rate": "12000.00"})
    assert response.status_code == 302, response.text
    amounts = {d.period_start: d.amount for d in rent(session, Act, contract_id, status="planned")}
    assert amounts[start] == Decimal("50000.00") and amounts[MONTH] == Decimal("30000.00")  # 50 m² × 12 000 ÷ 12 from the start
    browser.post(f"/agreementview/delete/{agreement_id}")
    session.expire_all()
    assert {d.amount for d in rent(session, Act, contract_id, status="planned")} == {Decimal("30000.00")}


def test_contract_card_shows_the_schedule_and_its_buttons(session, login_as):
    contract = signed_contract(session)
    page = login_as(ROLE_MANAGER).get(f"/contractview/show/{contract.id}").text
    assert 'id="schedule"' in page and "График счетов и актов" in page
    assert f'data-period="{MONTH.isoformat()}"' in page
    assert "Выставить" in page and "На подписание" in page and "30&nbsp;000,00&nbsp;₽" in page
    assert f"/invoiceview/add?_flt_0_contract={contract.id}" in page
    viewer_page = login_as(ROLE_VIEWER).get(f"/contractview/show/{contract.id}").text
    assert 'id="schedule"' in viewer_page and "Выставить" not in viewer_page and "_flt_0_contract" not in viewer_page


def test_issue_sign_cancel_and_download_from_the_cards(session, login_as):
    contract = signed_contract(session)
    client = login_as(ROLE_ACCOUNTANT)  # documents are the accountant's, contracts read-only
    act_id = next(a.id for a in rent(session, Act, contract.id, status="planned") if a.planned_date > TODAY)
    response = client.post(f"/actview/issue/{act_id}", data={"next": f"/contractview/show/{contract.id}"})
    assert response.status_code == 302 and response.location.endswith(f"/contractview/show/{contract.id}")
    session.expire_all()
    act = session.get(Act, act_id)
    assert (act.status, act.number, act.date) == ("on_signing", "А-1", TODAY)
    card = client.get(f"/actview/show/{act_id}").text
    assert "Подписан" in card and f"/actview/pdf/{act_id}" in card and f"/vatinvoiceview/pdf/{act.vat_invoice.id}" in card

    download = client.get(f"/actview/pdf/{act_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
    assert "attachment" in download.headers["Content-Disposition"] and "%D0%90%D0%BA%D1%82" in download.headers["Content-Disposition"]
    assert client.get(f"/vatinvoiceview/pdf/{act.vat_invoice.id}").data.startswith(b"%PDF")

    client.post(f"/actview/sign/{act_id}")
    session.expire_all()
    assert session.get(Act, act_id).status == "signed"
    client.post(f"/actview/cancel/{act_id}")
    session.expire_all()
    assert session.get(Act, act_id).status == "cancelled"
    assert session.scalar(select(VatInvoice.status)) == "cancelled"
    assert "уже отменён" in client.post(f"/actview/cancel/{act_id}", follow_redirects=True).text


def test_issuing_a_plan_whose_days_are_covered_removes_it_and_returns_to_the_contract(session, login_as):
    contract = signed_contract(session)
    plan = next(d for d in rent(session, Invoice, contract.id, status="planned") if d.period_start == MONTH)
    plan_id, contract_id = plan.id, contract.id
    factories.invoice(session, contract, period_start=MONTH, period_end=plan.period_end, number="А-99")  # e.g. imported
    session.commit()
    response = login_as(ROLE_MANAGER).post(f"/invoiceview/issue/{plan_id}", follow_redirects=True)
    assert response.request.path == f"/contractview/show/{contract_id}"
    assert "уже покрыты выставленными документами" in response.text
    session.expire_all()
    assert session.get(Invoice, plan_id) is None


def test_viewer_may_download_but_not_issue(session, login_as):
    contract = signed_contract(session)
    invoice_id = rent(session, Invoice, contract.id, status="planned")[0].id
    client = login_as(ROLE_VIEWER)
    client.post(f"/invoiceview/issue/{invoice_id}")
    session.expire_all()
    assert session.get(Invoice, invoice_id).status == "planned"
    assert client.get(f"/invoiceview/pdf/{invoice_id}").status_code == 404  # a plan has no PDF yet


def test_manual_invoice_for_part_of_a_period_leaves_the_rest_to_the_schedule(session, login_as):
    contract = signed_contract(session)
    client = login_as(ROLE_MANAGER)
    response = client.post(f"/invoiceview/add?_flt_0_contract={contract.id}", data={
        "kind": "rent", "period_start": MONTH.isoformat(), "period_end": (MONTH + timedelta(days=9)).isoformat(),
        "amount": "12345.00", "vat_amount": "0", "status": "issued",
    })
    assert response.status_code == 302, response.text
    manual = session.scalar(select(Invoice).where(Invoice.amount == Decimal("12345.00")))
    assert (manual.number, manual.date, manual.contract_id) == ("А-1", TODAY, contract.id)
    assert [(line.amount, line.period_start) for line in manual.lines] == [(Decimal("12345.00"), MONTH)]
    rest = [d for d in rent(session, Invoice, contract.id, status="planned") if d.period_start.replace(day=1) == MONTH]
    assert len(rest) == 1 and rest[0].period_start == MONTH + timedelta(days=10)


def test_rest_api_changes_rebuild_the_schedule(session, client, api_token):
    contract = signed_contract(session)
    contract_id = contract.id
    headers = api_token(ROLE_MANAGER)
    start = (MONTH + timedelta(days=45)).replace(day=1)
    response = client.post("/api/v1/agreement/", json={
        "contract": contract_id, "number": "7", "date": TODAY.isoformat(), "start_date": start.isoformat(), "terminates": True,
    }, headers=headers)
    assert response.status_code == 201, response.json
    assert max(d.period_end for d in rent(session, Act, contract_id, status="planned")) == start - timedelta(days=1)
    response = client.put(f"/api/v1/contract/{contract_id}", json={"status": "cancelled"}, headers=headers)
    assert response.status_code == 200, response.json
    session.expire_all()
    assert rent(session, Invoice, contract_id, status="planned") == []


def test_the_schedules_plans_show_no_delete_button_a_one_off_charge_does(session, login_as):
    contract = signed_contract(session)
    plan = rent(session, Invoice, contract.id, status="planned")[0]
    one_off = factories.invoice(session, contract, status="planned", one_off=True, planned_date=TODAY + timedelta(days=3),
                                amount=Decimal("500.00"))
    session.commit()
    client = login_as(ROLE_ACCOUNTANT)
    page = client.get(f"/invoiceview/list/?_flt_0_contract={contract.id}&psize_InvoiceView=100").text
    assert f"/invoiceview/delete/{plan.id}" not in page and f"/invoiceview/delete/{one_off.id}" in page
    assert f"/invoiceview/delete/{plan.id}" not in client.get(f"/invoiceview/show/{plan.id}").text
    assert f"/invoiceview/delete/{one_off.id}" in client.get(f"/invoiceview/show/{one_off.id}").text
    refused = client.post(f"/invoiceview/delete/{plan.id}", follow_redirects=True).text
    assert "Плановый документ не удаляют" in refused and session.get(Invoice, plan.id) is not None
