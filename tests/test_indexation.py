"""Yearly rent indexation (SPEC §1.9, issue 16 item 4): the nightly job drafts one agreement a
year, N days ahead, with the new rent in exact kopecks; the schedule follows it once signed;
never more than once a year; the CPI waits for the Owner's index; the manager is told, with the
letter to the tenant attached."""
import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain import indexation, schedule
from app.domain.enums import IndexationMode, InvoiceStatus, VatMode
from app.jobs.nightly import draft_indexations
from app.models import Agreement, CpiIndex, Invoice, OutboxMessage
from app.notify import attachments
from tests import factories
from tests.test_pdf import text as pdf_text

D = Decimal


def _contract(session, mode=IndexationMode.FIXED.value, percent=D("5.5"), **fields):
    values = dict(start_date=date(2025, 3, 1), date=date(2025, 2, 20), end_date=None, monthly_rent=D("87654.32"),
                  vat_mode=VatMode.NONE.value, indexation_mode=mode, indexation_percent=percent, indexation_month=3)
    values.update(fields)
    return factories.contract(session, **values)


def _drafts(session, contract):
    return session.scalars(select(Agreement).where(Agreement.contract_id == contract.id, Agreement.indexation.is_(True))).all()


def _planned_rent(session, contract, month_start):
    return session.scalars(select(Invoice.amount).where(
        Invoice.contract_id == contract.id, Invoice.status == InvoiceStatus.PLANNED.value, Invoice.period_start == month_start,
    )).one()


def test_drafted_once_thirty_days_ahead_with_the_new_rent_in_kopecks(session):
    contract = _contract(session)
    assert draft_indexations(session, date(2026, 1, 29), {}) == {"drafted": 0, "agreement_ids": []}  # 31 days ahead

    summary = draft_indexations(session, date(2026, 1, 30), {})

    [agreement] = _drafts(session, contract)
    assert summary == {"drafted": 1, "agreement_ids": [agreement.id]}
    # 87 654,32 × 1,055 = 92 475,3076 → 92 475,31
    assert (agreement.start_date, agreement.new_monthly_rent, agreement.signed) == (date(2026, 3, 1), D("92475.31"), False)
    assert agreement.number == "И-2026" and agreement.date == date(2026, 1, 30)
    for day in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 1)):
        assert draft_indexations(session, day, {})["drafted"] == 0
    assert len(_drafts(session, contract)) == 1


def test_the_schedule_uses_the_new_rent_only_once_the_agreement_is_signed(session):
    contract = _contract(session)
    draft_indexations(session, date(2026, 1, 30), {})
    [agreement] = _drafts(session, contract)

    schedule.rebuild(session, contract, date(2026, 1, 30))
    assert _planned_rent(session, contract, date(2026, 3, 1)) == D("87654.32")

    agreement.signed = True
    session.flush()
    schedule.rebuild(session, contract, date(2026, 1, 30))
    assert _planned_rent(session, contract, date(2026, 2, 1)) == D("87654.32")
    assert _planned_rent(session, contract, date(2026, 3, 1)) == D("92475.31")


def test_next_year_indexes_the_signed_rent_and_never_twice_in_twelve_months(session):
    contract = _contract(session)
    draft_indexations(session, date(2026, 1, 30), {})
    _drafts(session, contract)[0].signed = True
    session.flush()
    assert indexation.next_change(contract, date(2026, 2, 1)) == date(2027, 3, 1)

    draft_indexations(session, date(2027, 1, 30), {})

    second = [a for a in _drafts(session, contract) if a.start_date == date(2027, 3, 1)]
    # 92 475,31 × 1,055 = 97 561,452… → 97 561,45
    assert [a.new_monthly_rent for a in second] == [D("97561.45")]


def test_first_change_a_year_after_the_start_and_after_any_rent_change(session):
    contract = _contract(session, start_date=date(2025, 10, 15), date=date(2025, 10, 1))
    assert indexation.next_change(contract, date(2026, 1, 1)) == date(2027, 3, 1)  # not 03.2026: < 12 months
    session.add(Agreement(contract=contract, number="1", date=date(2026, 5, 1), start_date=date(2027, 6, 1),
                          new_monthly_rent=D("90000.00")))
    session.flush()
    session.expire(contract, ["agreements"])
    assert indexation.next_change(contract, date(2026, 1, 1)) == date(2029, 3, 1)  # 12 months after 01.06.2027 is 01.06.2028: March 2029


def test_no_draft_past_the_end_or_without_terms(session):
    ends = _contract(session, end_date=date(2026, 2, 28))
    no_month = _contract(session, indexation_month=None)
    none = _contract(session, mode=IndexationMode.NONE.value)
    draft_indexations(session, date(2026, 1, 30), {})
    assert [_drafts(session, c) for c in (ends, no_month, none)] == [[], [], []]


def test_cpi_waits_for_the_owners_index_of_the_previous_year(session):
    contract = _contract(session, mode=IndexationMode.CPI.value, percent=None, monthly_rent=D("100000.00"))
    assert draft_indexations(session, date(2026, 2, 10), {})["drafted"] == 0
    session.add(CpiIndex(year=2025, percent=D("5.59")))
    session.flush()

    draft_indexations(session, date(2026, 2, 11), {})

    [agreement] = _drafts(session, contract)
    assert agreement.new_monthly_rent == D("105590.00")


def test_the_manager_is_told_with_the_letter_to_the_tenant(app, session):
    manager = factories.staff(app.appbuilder.sm, "idx_manager", "Manager", "secret-12345")
    contract = _contract(session, manager_id=manager.id, number="ИД-1")
    draft_indexations(session, date(2026, 1, 30), {})
    [agreement] = _drafts(session, contract)

    [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "indexation_drafted")).all()
    assert message.recipient == manager.email and "ИД-1" in message.subject
    assert "87 654,32 ₽ → 92 475,31 ₽" in message.body_text
    assert json.loads(message.attachments) == [{"kind": "indexation_letter", "id": agreement.id}]
    [(name, _, data)] = [(a.filename, a.content_type, a.data) for a in attachments.load(session, json.loads(message.attachments), "/nonexistent")]
    assert name == "Уведомление об индексации к доп. соглашению № И-2026 от 30.01.2026.pdf"
    letter = pdf_text(data)
    assert "УВЕДОМЛЕНИЕ" in letter and "87 654,32" in letter and "92 475,31" in letter and "5,5 %" in letter
    assert "01.03.2026" in letter


def _due_next_month(session, today, **fields):
    """A contract whose first indexation falls on the 1st of next month, drafted today."""
    from app.domain import settings
    from app.domain.proration import add_months

    change = add_months(today.replace(day=1), 1)
    settings.put(session, indexation.DAYS_AHEAD_KEY, "40")
    return _contract(session, start_date=add_months(change, -12), date=add_months(change, -12), indexation_month=change.month,
                     **fields), change


def test_card_shows_the_draft_and_its_letter_and_signing_over_rest_moves_the_schedule(app, client, session, login_as, api_token, today):
    contract, change = _due_next_month(session, today, number="ИК-1")
    draft_indexations(session, today, {})
    schedule.rebuild(session, contract, today)
    session.commit()
    [agreement] = _drafts(session, contract)
    assert _planned_rent(session, contract, change) == D("87654.32")

    browser = login_as("Manager")
    page = browser.get(f"/contractview/show/{contract.id}").get_data(as_text=True)
    assert 'id="indexation"' in page and "Ждёт подписания" in page and "92&nbsp;475,31" in page
    letter = browser.get(f"/agreementview/letter/{agreement.id}.pdf")
    assert letter.status_code == 200 and "92 475,31" in pdf_text(letter.data)

    response = client.put(f"/api/v1/agreement/{agreement.id}", headers=api_token("Manager"), json={"signed": True})
    assert response.status_code == 200, response.json
    session.expire_all()
    assert _planned_rent(session, contract, change) == D("92475.31")
    page = browser.get(f"/contractview/show/{contract.id}").get_data(as_text=True)
    assert "Ждёт подписания" not in page and f"{(change.replace(year=change.year + 1)):%d.%m.%Y}" in page  # the next one


def test_contract_indexation_terms_over_rest_are_checked(client, session, api_token):
    contract = factories.contract(session)
    session.commit()
    headers = api_token("Manager")
    refused = client.put(f"/api/v1/contract/{contract.id}", headers=headers, json={"indexation_mode": "fixed"})
    assert refused.status_code == 422
    assert set(refused.json["message"]) == {"indexation_month", "indexation_percent"}
    for bad in ({"indexation_mode": "monthly"}, {"indexation_mode": "cpi", "indexation_month": 13}):
        assert client.put(f"/api/v1/contract/{contract.id}", headers=headers, json=bad).status_code == 422
    accepted = client.put(f"/api/v1/contract/{contract.id}", headers=headers,
                          json={"indexation_mode": "fixed", "indexation_percent": 4.5, "indexation_month": 3})
    assert accepted.status_code == 200, accepted.json
    shown = client.get(f"/api/v1/contract/{contract.id}", headers=headers).json["result"]
    assert (shown["indexation_mode"], shown["indexation_percent"], shown["indexation_month"]) == ("fixed", "4.5000", 3)


def test_owner_enters_the_cpi_in_settings(client, session, login_as):
    login_as("Owner")
    response = client.post("/cpiindexview/add", data={"year": "2025", "percent": "5.59"}, follow_redirects=True)
    assert response.status_code == 200
    assert session.get(CpiIndex, 2025).percent == D("5.59")


def test_the_contract_form_asks_for_the_month_and_percent_of_an_indexation(session, login_as):
    from tests.test_schedule_admin import form

    contract = factories.contract(session, monthly_rent=D("50000.00"))
    session.commit()
    client = login_as("Manager")
    refused = client.post(f"/contractview/edit/{contract.id}", data=form(contract, indexation_mode="fixed"), follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "Укажите месяц индексации (1–12)" in page and "Укажите процент индексации в год" in page
    session.rollback()  # the test shares the request's session: what a refused request flushed is not committed
    assert session.get(type(contract), contract.id).indexation_mode == "none"
    assert "Месяц — от 1 до 12" in client.post(f"/contractview/edit/{contract.id}", data=form(
        contract, indexation_mode="cpi", indexation_month="13")).get_data(as_text=True)
    saved = client.post(f"/contractview/edit/{contract.id}",
                        data=form(contract, indexation_mode="fixed", indexation_percent="4.5", indexation_month="3"))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    session.expire_all()
    assert (contract.indexation_mode, contract.indexation_percent, contract.indexation_month) == ("fixed", D("4.5000"), 3)
