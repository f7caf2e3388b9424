"""One-off planned charges (issue 9, item 8): a planned invoice or act written by hand (admin or
REST) is kept by every rebuild, counted by needs-attention once its date comes, and issued by
the nightly job on its planned date with the executor's next number."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain import attention, schedule
from app.jobs.nightly import run_nightly
from app.models import Act, Invoice
from app.permissions import ROLE_MANAGER
from tests import factories

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def lease(session):
    contract = factories.contract(session, monthly_rent=Decimal("30000.00"), vat_mode="none", vat_rate=Decimal("0"),
                                  date=date(2025, 12, 20), start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    schedule.rebuild(session, contract, date(2026, 1, 1))
    session.commit()
    return contract


def planned_rent(session, model, contract_id, start):
    return session.scalars(select(model).where(
        model.contract_id == contract_id, model.status == "planned", model.kind == "rent", model.period_start == start,
        ~model.one_off,
    )).all()


def test_one_off_invoice_over_rest_is_kept_by_rebuilds_and_issued_on_its_date(client, api_token, session):
    contract = lease(session)
    headers = api_token(ROLE_MANAGER)
    body = {"contract": contract.id, "kind": "other", "status": "planned", "period_start": "2026-03-01", "period_end": "2026-03-31",
            "planned_date": "2026-03-10", "amount": "5000.00", "comment": "Компенсация ремонта"}
    response = client.post("/api/v1/invoice/", json=body, headers=headers)
    assert response.status_code == 201, response.text
    pk = response.json["id"]
    # A contract edit rebuilds the schedule: the one-off stays, and the schedule's March rent is still planned.
    response = client.put(f"/api/v1/contract/{contract.id}", json={"monthly_rent": "31000.00"}, headers=headers)
    assert response.status_code == 200, response.text
    session.expire_all()
    kept = session.get(Invoice, pk)
    assert (kept.status, kept.amount, kept.planned_date, kept.one_off) == ("planned", Decimal("5000.00"), date(2026, 3, 10), True)
    assert [d.amount for d in planned_rent(session, Invoice, contract.id, MARCH[0])] == [Decimal("31000.00")]

    run_nightly("2026-03-09")
    session.expire_all()
    assert session.get(Invoice, pk).status == "planned"
    assert attention.counts(session, date(2026, 3, 9)).by_rule["invoices"]["not_issued"] == 0
    assert attention.counts(session, date(2026, 3, 10)).by_rule["invoices"]["not_issued"] == 1
    last = max(int(n.split("-")[1]) for n in session.scalars(select(Invoice.number).where(Invoice.number.is_not(None))))

    run_nightly("2026-03-10")
    session.expire_all()
    issued = session.get(Invoice, pk)
    assert (issued.status, issued.number, issued.date) == ("issued", f"А-{last + 1}", date(2026, 3, 10))
    assert (issued.amount, issued.comment, issued.kind) == (Decimal("5000.00"), "Компенсация ремонта", "other")


def test_one_off_rent_invoice_replaces_the_schedules_rent_for_its_days(client, api_token, session):
    contract = lease(session)
    body = {"contract": contract.id, "status": "planned", "period_start": "2026-03-01", "period_end": "2026-03-15",
            "planned_date": "2026-02-20", "amount": "12000.00"}
    response = client.post("/api/v1/invoice/", json=body, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 201, response.text  # kind defaults to rent: 500 before
    session.expire_all()
    [rest_of_march] = planned_rent(session, Invoice, contract.id, date(2026, 3, 16))
    assert (rest_of_march.period_end, rest_of_march.amount) == (MARCH[1], Decimal("15483.87"))  # 16 of 31 days
    assert len(planned_rent(session, Act, contract.id, MARCH[0])) == 1  # the act is not replaced
    run_nightly("2026-02-28")
    session.expire_all()
    assert session.get(Invoice, response.json["id"]).amount == Decimal("12000.00")  # issued as written


def test_one_off_documents_in_the_admin_forms(login_as, session):
    contract = lease(session)
    browser = login_as(ROLE_MANAGER)
    form = {"contract": contract.id, "kind": "other", "status": "planned", "period_start": "2026-03-01", "period_end": "2026-03-31",
            "planned_date": "2026-03-10", "amount": "700.00", "vat_amount": "0.00"}
    assert browser.post("/invoiceview/add", data=form).status_code == 302
    assert browser.post("/actview/add", data=form).status_code == 302
    session.expire_all()
    invoice = session.scalar(select(Invoice).where(Invoice.kind == "other"))
    act = session.scalar(select(Act).where(Act.kind == "other"))
    assert invoice.one_off and act.one_off and (invoice.status, act.status) == ("planned", "planned")
    act_id = act.id
    # Without a planned date the nightly job could never issue it: refused, with the reason.
    response = browser.post("/actview/add", data={**form, "planned_date": ""}, follow_redirects=True)
    assert response.status_code == 200 and "Укажите плановую дату" in response.text
    assert len(session.scalars(select(Act).where(Act.kind == "other")).all()) == 1

    run_nightly("2026-03-10")
    session.expire_all()
    act = session.get(Act, act_id)
    assert act.status == "on_signing" and act.number and act.vat_invoice is not None and act.vat_invoice.number == act.number
