"""The billing schedule: periods, proration, linking issued documents, rebuild, issuing."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import documents, schedule
from app.domain.enums import ActStatus, BillingPeriod, ContractStatus, DocumentKind, InvoicedPeriod, InvoiceStatus, VatMode
from app.errors import DomainError
from app.models import Act, Agreement, AgreementRoom, ContractService, Invoice, VatInvoice
from tests import factories

D = Decimal


def contract(session, **fields):
    values = dict(monthly_rent=D("29000.00"), vat_mode=VatMode.NONE.value, vat_rate=D("0"), invoiced_period=InvoicedPeriod.NEXT.value,
                  invoice_day=25, payment_term_days=5, date=date(2019, 12, 1), start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))
    values.update(fields)
    return factories.contract(session, **values)


def docs(session, model, contract_, **where):
    query = select(model).where(model.contract_id == contract_.id, model.kind == DocumentKind.RENT.value).order_by(model.period_start, model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalars(query).all()


def planned(session, model, contract_):
    return docs(session, model, contract_, status="planned")


def the_one(session, model, contract_, month_start):
    found = [d for d in docs(session, model, contract_) if d.period_start.replace(day=1) == month_start and d.status != "cancelled"]
    assert len(found) == 1, found
    return found[0]


def manual_invoice(session, contract_, start, end, amount, today=date(2020, 1, 10), **fields):
    values = dict(kind=DocumentKind.RENT.value, status=InvoiceStatus.ISSUED.value, vat_amount=D("0"))
    values.update(fields)
    invoice = Invoice(contract=contract_, period_start=start, period_end=end, amount=D(amount), **values)
    documents.take_parties_from_contract(invoice)
    documents.on_saved(session, invoice, today)
    return invoice


# --- proration ---------------------------------------------------------------------------

def test_leap_february_is_prorated_by_29_days(session):
    c = contract(session, start_date=date(2020, 2, 20), end_date=date(2020, 3, 31))
    schedule.rebuild(session, c, date(2020, 1, 1))
    february = the_one(session, Invoice, c, date(2020, 2, 1))
    assert (february.period_start, february.period_end) == (date(2020, 2, 20), date(2020, 2, 29))
    assert february.amount == D("10000.00")  # 29000 × 10 / 29
    assert the_one(session, Invoice, c, date(2020, 3, 1)).amount == D("29000.00")


def test_common_february_has_28_days(session):
    c = contract(session, start_date=date(2021, 2, 20), end_date=date(2021, 3, 31), date=date(2021, 1, 1))
    schedule.rebuild(session, c, date(2021, 1, 1))
    assert the_one(session, Invoice, c, date(2021, 2, 1)).amount == D("9321.43")  # 29000 × 9 / 28


def test_agreement_mid_month_splits_the_month_by_rent(session):
    c = contract(session, monthly_rent=D("31000.00"), vat_mode=VatMode.ON_TOP.value, vat_rate=D("0.20"))
    session.add(Agreement(contract=c, number="1", date=date(2020, 2, 20), start_date=date(2020, 3, 16), new_monthly_rent=D("62000.00")))
    schedule.rebuild(session, c, date(2020, 1, 1))
    march = the_one(session, Invoice, c, date(2020, 3, 1))
    assert [(line.period_start, line.period_end, line.amount, line.vat_amount) for line in march.lines] == [
        (date(2020, 3, 1), date(2020, 3, 15), D("18000.00"), D("3000.00")),   # 31000 × 15/31 + VAT
        (date(2020, 3, 16), date(2020, 3, 31), D("38400.00"), D("6400.00")),  # 62000 × 16/31 + VAT
    ]
    assert (march.amount, march.vat_amount) == (D("56400.00"), D("9400.00"))
    assert the_one(session, Act, c, date(2020, 4, 1)).amount == D("74400.00")


def test_agreement_with_new_rooms_bills_their_rent(session):
    c = contract(session, monthly_rent=None, rooms=[factories.room(session, area=D("100"), rent_rate=D("12000"))])
    new_room = factories.room(session)
    agreement = Agreement(contract=c, number="2", date=date(2020, 3, 1), start_date=date(2020, 4, 1))
    agreement.rooms.append(AgreementRoom(room=new_room, area=D("150"), rate=D("12000")))
    session.add(agreement)
    schedule.rebuild(session, c, date(2020, 1, 1))
    assert the_one(session, Invoice, c, date(2020, 3, 1)).amount == D("100000.00")  # 100 m² × 12000 ÷ 12
    assert the_one(session, Invoice, c, date(2020, 4, 1)).amount == D("150000.00")


def test_contract_ending_mid_month_bills_its_last_days_and_acts_on_the_last_day(session):
    c = contract(session, monthly_rent=D("30000.00"), end_date=date(2020, 4, 10))
    schedule.rebuild(session, c, date(2020, 1, 1))
    april_invoice, april_act = the_one(session, Invoice, c, date(2020, 4, 1)), the_one(session, Act, c, date(2020, 4, 1))
    assert (april_invoice.period_end, april_invoice.amount) == (date(2020, 4, 10), D("10000.00"))
    assert april_act.planned_date == date(2020, 4, 10)
    assert [d.period_start.month for d in planned(session, Invoice, c)] == [1, 2, 3, 4]


def test_rounding_to_kopecks_and_lines_add_up(session):
    c = contract(session, monthly_rent=D("10000.00"), vat_mode=VatMode.ON_TOP.value, vat_rate=D("0.20"),
                 start_date=date(2020, 2, 20), end_date=date(2020, 2, 29))
    c.services.append(ContractService(name="Парковка", monthly_amount=D("3333.33")))
    schedule.rebuild(session, c, date(2020, 1, 1))
    invoice = the_one(session, Invoice, c, date(2020, 2, 1))
    assert [(line.name, line.amount, line.vat_amount) for line in invoice.lines] == [
        ("Арендная плата за период с 20.02.2020 по 29.02.2020", D("4137.94"), D("689.66")),  # 3448.28 + 20 %
        ("Парковка за период с 20.02.2020 по 29.02.2020", D("1379.30"), D("229.88")),  # 1149.42 + 20 %
    ]
    assert invoice.amount == sum(line.amount for line in invoice.lines) == D("5517.24")
    assert invoice.vat_amount == sum(line.vat_amount for line in invoice.lines)


def test_vat_included_is_inside_the_amount(session):
    c = contract(session, monthly_rent=D("12000.00"), vat_mode=VatMode.INCLUDED.value, vat_rate=D("0.20"))
    schedule.rebuild(session, c, date(2020, 1, 1))
    january = the_one(session, Invoice, c, date(2020, 1, 1))
    assert (january.amount, january.vat_amount) == (D("12000.00"), D("2000.00"))


# --- periods and dates -------------------------------------------------------------------

@pytest.mark.parametrize("invoiced, expected", [
    (InvoicedPeriod.NEXT.value, date(2020, 2, 25)),
    (InvoicedPeriod.CURRENT.value, date(2020, 3, 25)),
    (InvoicedPeriod.PREVIOUS.value, date(2020, 4, 25)),
])
def test_invoice_is_planned_for_the_previous_current_or_next_period(session, invoiced, expected):
    c = contract(session, invoiced_period=invoiced)
    schedule.rebuild(session, c, date(2020, 1, 1))
    march = the_one(session, Invoice, c, date(2020, 3, 1))
    assert march.planned_date == expected
    assert march.due_date == expected + timedelta(days=5)
    assert the_one(session, Act, c, date(2020, 3, 1)).planned_date == date(2020, 3, 31)


def test_payment_day_sets_the_due_date_and_invoice_day_fits_short_months(session):
    c = contract(session, invoice_day=31, payment_day=5, payment_term_days=None)
    schedule.rebuild(session, c, date(2020, 1, 1))
    march = the_one(session, Invoice, c, date(2020, 3, 1))
    assert (march.planned_date, march.due_date) == (date(2020, 2, 29), date(2020, 3, 5))


def test_periods_from_the_start_date(session):
    c = contract(session, billing_period=BillingPeriod.FROM_START.value, start_date=date(2020, 1, 15), end_date=date(2020, 4, 30))
    schedule.rebuild(session, c, date(2020, 1, 1))
    invoices = planned(session, Invoice, c)
    assert [(i.period_start, i.period_end, i.amount) for i in invoices] == [
        (date(2020, 1, 15), date(2020, 2, 14), D("29000.00")),
        (date(2020, 2, 15), date(2020, 3, 14), D("29000.00")),
        (date(2020, 3, 15), date(2020, 4, 14), D("29000.00")),
        (date(2020, 4, 15), date(2020, 4, 30), D("15466.67")),  # 16 of the 31 days of 15.04–14.05
    ]


def test_open_ended_contract_is_planned_twelve_months_ahead_and_rolls_on(session):
    c = contract(session, start_date=date(2020, 1, 1), end_date=None)
    schedule.rebuild(session, c, date(2020, 1, 10))
    assert planned(session, Invoice, c)[-1].period_start == date(2021, 1, 1)
    schedule.rebuild(session, c, date(2020, 6, 10))
    assert planned(session, Invoice, c)[-1].period_start == date(2021, 6, 1)


def test_deposit_is_invoiced_once_with_the_first_invoice(session):
    c = contract(session, deposit_amount=D("50000.00"), vat_mode=VatMode.ON_TOP.value, vat_rate=D("0.20"))
    schedule.rebuild(session, c, date(2020, 1, 1))
    deposit = session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.DEPOSIT.value)).one()
    assert (deposit.amount, deposit.vat_amount, deposit.planned_date) == (D("50000.00"), D("0.00"), date(2019, 12, 25))
    schedule.issue_due(session, [c.id], date(2019, 12, 31))
    schedule.rebuild(session, c, date(2020, 1, 1))
    deposits = session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.DEPOSIT.value)).all()
    assert [(d.status, d.number) for d in deposits] == [("issued", "А-1")]


# --- linking and issuing -----------------------------------------------------------------

def test_spec_example_manual_invoice_then_auto_issue_covers_the_rest_of_february(session):
    c = contract(session, monthly_rent=D("29000.00"))
    schedule.rebuild(session, c, date(2020, 1, 10))
    manual = manual_invoice(session, c, date(2020, 2, 1), date(2020, 2, 19), "19000.00")
    rest = planned(session, Invoice, c)[1]
    assert (rest.period_start, rest.period_end, rest.amount) == (date(2020, 2, 20), date(2020, 2, 29), D("10000.00"))

    issued = schedule.issue_due(session, [c.id], date(2020, 1, 31))
    february = session.get(Invoice, rest.id)
    assert february.id in issued.invoice_ids
    assert (february.status, february.period_start, february.period_end) == ("issued", date(2020, 2, 20), date(2020, 2, 29))
    assert february.amount == D("10000.00")  # 10/29 of February's 29000
    assert manual.amount == D("19000.00") and manual.number == "А-1"


def test_linking_ignores_amounts_and_dates_and_a_fully_covered_period_is_not_planned(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 10))
    manual_invoice(session, c, date(2020, 3, 1), date(2020, 3, 31), "1.00", date=date(2021, 7, 7))
    assert [i.period_start.month for i in planned(session, Invoice, c)] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert len(planned(session, Act, c)) == 12  # acts are linked on their own


def test_auto_issue_of_a_period_already_covered_issues_nothing_and_removes_the_plan(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 10))
    march = the_one(session, Invoice, c, date(2020, 3, 1))
    # Covered behind the schedule's back (e.g. an import): issuing finds nothing left to bill.
    session.add(Invoice(contract=c, executor_id=c.executor_id, customer_id=c.customer_id, status="issued", number="А-77",
                        period_start=date(2020, 3, 1), period_end=date(2020, 3, 31), amount=D("29000.00")))
    session.flush()
    result = schedule.issue_due(session, [c.id], date(2020, 2, 29))
    assert march.id not in result.invoice_ids and result.dropped == 1
    assert session.get(Invoice, march.id) is None


def test_issue_numbers_per_executor_and_vat_invoice_takes_the_act_number(session):
    a = factories.executor(session, doc_prefix="А-")
    b = factories.executor(session, doc_prefix="Б-", vat_invoices_enabled=False)
    first, second = contract(session, executor=a, end_date=date(2020, 2, 29)), contract(session, executor=b, end_date=date(2020, 2, 29))
    third = contract(session, executor=a, end_date=date(2020, 2, 29))
    for c in (first, second, third):
        schedule.rebuild(session, c, date(2020, 1, 1))
    result = schedule.issue_due(session, [first.id, second.id, third.id], date(2020, 2, 29))
    assert len(result.invoice_ids) == 6 and len(result.act_ids) == 6 and not result.failed
    numbers = lambda model, c: [d.number for d in docs(session, model, c)]  # noqa: E731
    assert numbers(Invoice, first) + numbers(Invoice, third) == ["А-1", "А-3", "А-2", "А-4"]  # in date order
    assert numbers(Invoice, second) == ["Б-1", "Б-2"]
    assert [a.status for a in docs(session, Act, first)] == [ActStatus.ON_SIGNING.value] * 2
    vat_invoices = session.scalars(select(VatInvoice).order_by(VatInvoice.id)).all()
    assert len(vat_invoices) == 4 == len(result.vat_invoice_ids)  # executor Б has them switched off
    assert all(v.number == v.act.number and v.amount == v.act.amount and v.date == v.act.date for v in vat_invoices)


def test_a_numbered_document_cannot_go_back_to_the_plan(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    invoice = manual_invoice(session, c, date(2020, 1, 1), date(2020, 1, 31), "29000.00")
    invoice.status = InvoiceStatus.PLANNED.value
    with pytest.raises(DomainError):
        documents.on_saved(session, invoice, date(2020, 1, 10))


def test_numbers_typed_by_hand_are_passed_over(session):
    c = contract(session, end_date=date(2020, 2, 29))
    schedule.rebuild(session, c, date(2020, 1, 1))
    manual_invoice(session, c, date(2019, 12, 1), date(2019, 12, 31), "5.00", number="А-2", kind=DocumentKind.OTHER.value)
    schedule.issue_due(session, [c.id], date(2020, 2, 29))
    assert [d.number for d in docs(session, Invoice, c)] == ["А-1", "А-3"]


def test_auto_issue_is_idempotent_and_catches_up_missed_days(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    first = schedule.issue_due(session, [c.id], date(2020, 3, 31))  # nothing ran since January
    assert len(first.invoice_ids) == 4 and len(first.act_ids) == 3  # invoices to April, acts to March
    again = schedule.issue_due(session, [c.id], date(2020, 3, 31))
    assert (again.invoice_ids, again.act_ids, again.vat_invoice_ids) == ([], [], [])
    assert [i.number for i in docs(session, Invoice, c, status="issued")] == ["А-1", "А-2", "А-3", "А-4"]
    assert [i.date for i in docs(session, Invoice, c, status="issued")][:2] == [date(2019, 12, 25), date(2020, 1, 25)]


def test_issue_now_issues_a_future_document_today(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 10))
    june = the_one(session, Act, c, date(2020, 6, 1))
    schedule.issue_now(session, june, date(2020, 1, 10))
    june = session.get(Act, june.id)
    assert (june.status, june.number, june.date) == ("on_signing", "А-1", date(2020, 1, 10))
    with pytest.raises(DomainError):
        schedule.issue_now(session, june, date(2020, 1, 10))


# --- rebuild -----------------------------------------------------------------------------

def test_rebuild_changes_only_planned_documents(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    schedule.issue_due(session, [c.id], date(2020, 1, 31))  # invoices for Jan and Feb, the act for January
    c.monthly_rent = D("40000.00")
    schedule.rebuild(session, c, date(2020, 2, 1))
    assert [i.amount for i in docs(session, Invoice, c)][:3] == [D("29000.00"), D("29000.00"), D("40000.00")]
    assert [a.amount for a in docs(session, Act, c)][:2] == [D("29000.00"), D("40000.00")]


def test_early_termination_drops_the_plans_after_it_and_cancelling_drops_all(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    session.add(Agreement(contract=c, number="3", date=date(2020, 3, 1), start_date=date(2020, 5, 16), terminates=True))
    schedule.rebuild(session, c, date(2020, 1, 1))
    last = planned(session, Act, c)[-1]
    assert (last.period_start, last.period_end, last.amount) == (date(2020, 5, 1), date(2020, 5, 15), D("14032.26"))
    schedule.issue_due(session, [c.id], date(2020, 1, 31))
    c.status = ContractStatus.CANCELLED.value
    schedule.rebuild(session, c, date(2020, 2, 1))
    assert planned(session, Invoice, c) == [] and planned(session, Act, c) == []
    assert len(docs(session, Invoice, c, status="issued")) == 2  # issued documents stay


def test_inactive_contract_has_no_schedule_until_signed(session):
    c = contract(session, status=ContractStatus.ON_SIGNING.value)
    schedule.rebuild(session, c, date(2020, 1, 1))
    assert planned(session, Invoice, c) == []
    c.status = ContractStatus.SIGNED.value
    assert schedule.rebuild(session, c, date(2020, 1, 1))["created"] == 24


def test_cancelled_plan_is_not_planned_again_but_a_cancelled_issued_document_is(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    march = the_one(session, Invoice, c, date(2020, 3, 1))
    documents.cancel(session, march, date(2020, 1, 1))
    assert [i.period_start.month for i in planned(session, Invoice, c)][:3] == [1, 2, 4]
    schedule.issue_due(session, [c.id], date(2020, 1, 1))  # the invoices for January and February
    january = the_one(session, Invoice, c, date(2020, 1, 1))
    documents.cancel(session, january, date(2020, 1, 1))
    again = [i for i in planned(session, Invoice, c) if i.period_start.month == 1]
    assert len(again) == 1 and again[0].amount == D("29000.00")


def test_cancelling_an_act_cancels_its_vat_invoice_and_signing_follows_on_signing(session):
    c = contract(session)
    schedule.rebuild(session, c, date(2020, 1, 1))
    schedule.issue_due(session, [c.id], date(2020, 2, 29))
    january, february = docs(session, Act, c, status="on_signing")
    documents.sign(session, january)
    assert january.status == "signed"
    with pytest.raises(DomainError):
        documents.sign(session, january)
    documents.cancel(session, february, date(2020, 3, 1))
    assert february.vat_invoice.status == "cancelled"
