"""Penalties (SPEC §1.9, issue 16 item 1): exact kopecks for each convention, the penalty invoice
issued like any document, `flask penalties list`, the claim letter and the nightly charge."""
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import penalties
from app.domain.enums import DocumentKind, InvoiceStatus, PenaltyMode
from app.errors import DomainError
from app.exports import pdf
from app.models import Allocation, Invoice, KeyRate
from tests import factories
from tests.test_pdf import text as pdf_text

D = Decimal


def _contract(session, mode=PenaltyMode.PERCENT_PER_DAY.value, rate=D("0.1"), **fields):
    return factories.contract(session, penalty_mode=mode, penalty_rate=rate, **fields)


def _invoice(session, contract, amount="100000.00", due=date(2026, 2, 5), **fields):
    return factories.invoice(session, contract, amount=D(amount), due_date=due, **fields)


def _pay(session, invoice, day, amount):
    payment = factories.payment(session, date=day, amount=D(amount))
    session.add(Allocation(payment=payment, invoice=invoice, amount=D(amount)))
    invoice.paid_amount += D(amount)
    session.flush()
    return payment


def test_percent_per_day_with_a_partial_payment_accrues_on_the_day_it_arrives(session):
    contract = _contract(session)
    invoice = _invoice(session, contract)
    _pay(session, invoice, date(2026, 2, 10), "40000.00")

    found = penalties.penalty_on(session, contract, date(2026, 2, 15))

    # 06.02–10.02: 5 days × 100 000 × 0.1 % (the payment day on the sum before it); 11.02–15.02: 5 × 60.
    [accrual] = found.accruals
    assert [(s.start, s.end, s.outstanding, s.amount) for s in accrual.spans] == [
        (date(2026, 2, 6), date(2026, 2, 10), D("100000.00"), D("500.00")),
        (date(2026, 2, 11), date(2026, 2, 15), D("60000.00"), D("300.00")),
    ]
    assert found.penalty == D("800.00")
    assert found.overdue == D("60000.00")


def test_rounded_once_per_invoice_not_per_day(session):
    contract = _contract(session)
    _invoice(session, contract, amount="333.33")
    # 3 days × 0.33333 = 0.99999 → 1.00 (rounding each day would make 0.99)
    assert penalties.penalty_on(session, contract, date(2026, 2, 8)).penalty == D("1.00")


def test_grace_days_move_the_first_overdue_day(session):
    contract = _contract(session, penalty_grace_days=3)
    _invoice(session, contract)
    assert penalties.penalty_on(session, contract, date(2026, 2, 8)).penalty == D("0.00")
    # first overdue day: 05.02 + 3 + 1 = 09.02; by 10.02 two days × 100
    assert penalties.penalty_on(session, contract, date(2026, 2, 10)).penalty == D("200.00")


def test_cap_is_a_percent_of_each_invoice(session):
    contract = _contract(session, penalty_cap_percent=D("0.5"))
    _invoice(session, contract)
    _invoice(session, contract, amount="1000.00")
    found = penalties.penalty_on(session, contract, date(2026, 2, 15))
    # 10 days: 1 000.00 uncapped → 500.00 (0.5 % of 100 000); 10.00 → 5.00 (0.5 % of 1 000)
    assert [(a.amount, a.capped) for a in found.accruals] == [(D("500.00"), True), (D("5.00"), True)]
    assert found.penalty == D("505.00")


def test_a_payment_on_the_due_date_accrues_nothing_one_a_day_later_accrues_that_day(session):
    on_time, late = _contract(session), _contract(session)
    _pay(session, _invoice(session, on_time), date(2026, 2, 5), "100000.00")
    _pay(session, _invoice(session, late), date(2026, 2, 6), "100000.00")
    assert penalties.penalty_on(session, on_time, date(2026, 3, 1)).penalty == D("0.00")
    assert penalties.penalty_on(session, late, date(2026, 3, 1)).penalty == D("100.00")


def test_key_rate_over_two_rate_periods(session):
    contract = _contract(session, mode=PenaltyMode.KEY_RATE.value, rate=None)
    _invoice(session, contract, due=date(2024, 7, 20))
    found = penalties.penalty_on(session, contract, date(2024, 8, 5))
    [accrual] = found.accruals
    # 21.07–28.07 at 16 %, 29.07–05.08 at 18 %, 366 days in 2024: 100 000 × (0.16 × 8 + 0.18 × 8) / 366 = 743.1693…
    assert [(s.start, s.end, s.rate, s.year_days) for s in accrual.spans] == [
        (date(2024, 7, 21), date(2024, 7, 28), D("16.00"), 366),
        (date(2024, 7, 29), date(2024, 8, 5), D("18.00"), 366),
    ]
    assert found.penalty == D("743.17")


def test_a_key_rate_the_owner_adds_applies_from_its_date(session):
    session.add(KeyRate(start_date=date(2026, 3, 10), rate=D("15.00")))
    contract = _contract(session, mode=PenaltyMode.KEY_RATE.value, rate=None)
    _invoice(session, contract, due=date(2026, 3, 1))
    # 02.03–09.03: 8 days at the shipped 16.5 %, 10.03–11.03 at 15 %: 100 000 × (1.32 + 0.30) / 365 = 443.8356…
    assert penalties.penalty_on(session, contract, date(2026, 3, 11)).penalty == D("443.84")


def test_no_penalty_terms_no_penalty_but_the_overdue_debt_is_known(session):
    contract = factories.contract(session)
    _invoice(session, contract)
    found = penalties.penalty_on(session, contract, date(2026, 2, 15))
    assert (found.penalty, found.overdue) == (D("0.00"), D("100000.00"))


def test_charging_issues_a_numbered_penalty_invoice_for_what_is_not_charged_yet(session):
    contract = _contract(session)
    overdue = _invoice(session, contract, number="А-7")

    first = penalties.charge(session, contract, date(2026, 2, 10))  # 5 days
    assert (first.kind, first.status, first.amount, first.vat_amount) == (
        DocumentKind.PENALTY.value, InvoiceStatus.ISSUED.value, D("500.00"), D("0.00"))
    assert first.number.startswith("А-") and first.date == date(2026, 2, 10)
    assert [(line.source_invoice_id, line.amount) for line in first.lines] == [(overdue.id, D("500.00"))]
    assert "№ А-7" in first.lines[0].name

    second = penalties.charge(session, contract, date(2026, 2, 12))  # 2 more days
    assert second.amount == D("200.00") and second.number != first.number
    with pytest.raises(DomainError):
        penalties.charge(session, contract, date(2026, 2, 12))  # nothing left
    found = penalties.penalty_on(session, contract, date(2026, 2, 12))
    assert (found.penalty, found.charged, found.to_charge) == (D("700.00"), D("700.00"), D("0.00"))

    first.status = InvoiceStatus.CANCELLED.value  # a cancelled penalty invoice charges nothing
    session.flush()
    assert penalties.charge(session, contract, date(2026, 2, 12)).amount == D("500.00")


def test_penalty_invoices_accrue_no_penalty_themselves(session):
    contract = _contract(session)
    _invoice(session, contract)
    penalties.charge(session, contract, date(2026, 2, 10))
    # the penalty invoice is due later and unpaid, but only the rent invoice accrues
    found = penalties.penalty_on(session, contract, date(2026, 4, 1))
    assert [a.invoice.kind for a in found.accruals] == [DocumentKind.RENT.value]


def test_cli_lists_contracts_with_their_overdue_and_penalty(app, session):
    first, second = _contract(session, number="П-1"), _contract(session, number="П-2", penalty_grace_days=3)
    quiet = _contract(session, number="П-3")
    _invoice(session, first)
    _pay(session, _invoice(session, second, amount="50000.00"), date(2026, 2, 12), "20000.00")
    _pay(session, _invoice(session, quiet), date(2026, 2, 1), "100000.00")
    session.commit()

    result = app.test_cli_runner().invoke(args=["penalties", "list", "--on", "2026-02-15"])

    assert result.exit_code == 0, result.output
    # П-1: 10 days × 100 = 1000.00; П-2: from 09.02, 4 days × 50 on 50 000 (12.02 included), 3 × 30 on 30 000 = 290.00
    assert json.loads(result.stdout) == {
        "contracts": [
            {"id": first.id, "number": "П-1", "overdue": "100000.00", "penalty": "1000.00", "charged": "0.00"},
            {"id": second.id, "number": "П-2", "overdue": "30000.00", "penalty": "290.00", "charged": "0.00"},
        ],
        "total": "1290.00",
    }


def test_cli_refuses_a_bad_date(app):
    result = app.test_cli_runner().invoke(args=["penalties", "list", "--on", "15.02.2026"])
    assert result.exit_code == 1 and "--on" in result.output


def test_claim_letter_lists_invoices_spans_and_rates(session):
    contract = _contract(session)
    invoice = _invoice(session, contract, number="А-41")
    _pay(session, invoice, date(2026, 2, 10), "40000.00")
    data = pdf.claim_pdf(penalties.penalty_on(session, contract, date(2026, 2, 15)))
    text = pdf_text(data)
    assert "ПРЕТЕНЗИЯ" in text and "А-41" in text
    assert "06.02.2026–10.02.2026" in text and "11.02.2026–15.02.2026" in text
    assert "0,1 % в день" in text and "800,00" in text and "60 800,00" in text


def test_nightly_job_charges_monthly_contracts_on_the_first(session):
    monthly, by_hand = _contract(session, penalty_monthly=True), _contract(session)
    _invoice(session, monthly), _invoice(session, by_hand)
    session.commit()

    assert penalties.monthly_step(session, date(2026, 2, 20), {})["issued"] == 0  # not the 1st
    summary = penalties.monthly_step(session, date(2026, 3, 1), {})

    [invoice_id] = summary["invoice_ids"]
    invoice = session.get(Invoice, invoice_id)
    # accrued by 28.02: 06.02–28.02 = 23 days × 100; dated the 1st
    assert (invoice.contract_id, invoice.amount, invoice.date) == (monthly.id, D("2300.00"), date(2026, 3, 1))
    assert penalties.monthly_step(session, date(2026, 3, 1), {})["issued"] == 0  # nothing new to charge
    assert session.scalars(select(Invoice).where(Invoice.contract_id == by_hand.id, Invoice.kind == "penalty")).all() == []



def test_card_shows_the_penalty_and_charges_it_and_serves_the_claim(app, client, session, login_as, today):
    from datetime import timedelta

    contract = _contract(session, number="П-9", start_date=today - timedelta(days=60), date=today - timedelta(days=60),
                         end_date=today + timedelta(days=300))
    _invoice(session, contract, due=today - timedelta(days=10), date=today - timedelta(days=15))  # 10 days × 100
    session.commit()
    login_as("Manager")

    card = client.get(f"/contractview/show/{contract.id}")
    assert card.status_code == 200
    page = card.get_data(as_text=True)
    assert 'id="penalty-accrued"><span class="money">1&nbsp;000,00' in page and "Выставить пени" in page
    claim = client.get(f"/contractview/claim/{contract.id}.pdf")
    assert claim.status_code == 200 and claim.data.startswith(b"%PDF")

    charged = client.post(f"/contractview/penalty/{contract.id}", follow_redirects=True)

    assert charged.status_code == 200 and "Выставлен счёт на пени" in charged.get_data(as_text=True)
    [invoice] = session.scalars(select(Invoice).where(Invoice.contract_id == contract.id, Invoice.kind == "penalty")).all()
    assert invoice.amount == D("1000.00")
    again = client.post(f"/contractview/penalty/{contract.id}", follow_redirects=True)
    assert "Нет начисленных и ещё не выставленных пеней" in again.get_data(as_text=True)


def test_viewer_cannot_charge(client, session, login_as):
    contract = _contract(session)
    session.commit()
    login_as("Viewer")
    assert client.post(f"/contractview/penalty/{contract.id}").status_code in (302, 403)
    assert session.scalars(select(Invoice).where(Invoice.kind == "penalty")).all() == []


def test_owner_adds_a_key_rate_in_settings(client, session, login_as):
    login_as("Owner")
    response = client.post("/keyrateview/add", data={"start_date": "2026-03-10", "rate": "15.00"}, follow_redirects=True)
    assert response.status_code == 200
    assert session.get(KeyRate, date(2026, 3, 10)).rate == D("15.00")
    assert (date(2026, 3, 10), D("15.00")) in penalties.key_rates(session)


def test_nightly_penalty_invoices_go_out_like_other_documents(session):
    import json

    from app.jobs.nightly import nightly
    from app.models import OutboxMessage
    from app.notify import attachments

    contract = _contract(session, penalty_monthly=True, autosend_documents=True, end_date=date(2026, 3, 31),
                         customer=factories.customer(session, email="tenant@test.example"))
    _invoice(session, contract)
    session.commit()

    summary = nightly(session, date(2026, 3, 1))

    [penalty_id] = summary["penalties"]["invoice_ids"]
    sent = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "documents_sent",
                                                       OutboxMessage.recipient == "tenant@test.example")).all()
    refs = [ref for message in sent for ref in json.loads(message.attachments)]
    assert {"kind": "invoice", "id": penalty_id} in refs
    [penalty_pdf] = [a for a in attachments.load(session, [{"kind": "invoice", "id": penalty_id}], "/nonexistent")]
    assert "2 300,00" in pdf_text(penalty_pdf.data)
