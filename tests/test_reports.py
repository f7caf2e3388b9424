"""Reports (issue 14 item 3): debtors by age, vacancy, rent roll with WALE, invoiced vs paid by
month and the start page's figures, each with exact figures on tests/reports_dataset.py."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain import deposits, reports
from app.domain.enums import Direction, DocumentKind, InvoiceStatus
from app.models import Allocation
from tests import factories, reports_dataset

D = Decimal
EXPECTED = reports_dataset.EXPECTED


@pytest.fixture()
def dataset(session, today):
    return reports_dataset.build(session, today)


@pytest.mark.parametrize("days, bucket", [(-1, None), (0, None), (1, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2),
                                          (91, 3), (2000, 3)])
def test_age_buckets_at_their_boundaries(days, bucket):
    assert reports.bucket_of(days) == bucket


def test_debtors_per_customer_and_contract_by_age_with_the_penalty(session, today, dataset):
    found = reports.debtors(session, today)
    rows = [(r.customer, r.contract, r.aging.current, r.aging.buckets, r.aging.debt) for r in found.rows]
    assert rows == EXPECTED["debtors"]  # С-3 owes nothing overdue: not a debtor
    assert [r.penalty for r in found.rows] == [D("0.00"), EXPECTED["penalty"]]
    assert found.penalty == EXPECTED["penalty"]
    assert found.total.buckets == [D("6600.00"), D("6000.00"), D("24000.00"), D("32000.00")]
    assert found.total.debt == D("132600.00") and found.total.overdue == D("68600.00")
    # the deposit held is shown beside the debt, not subtracted from it
    assert [r.deposit_held for r in found.rows] == [EXPECTED["deposit_held"]["С-1"], D("0.00")]
    assert found.deposit_held == D("47000.00")


def test_vacancy_per_building_and_floor(session, today, dataset):
    found = reports.vacancy(session, today)
    rows = [(r.building, r.floor, r.area, r.occupied, r.free_rooms, r.occupancy, r.months_vacant, r.asking_rent, r.lost)
            for r in found.rows]
    assert rows == EXPECTED["vacancy"]
    assert [(b.building, b.area, b.occupied, b.occupancy) for b in found.buildings] == [
        ("Альфа", D("350.00"), D("150.00"), D("0.4286")), ("Бета", D("180.00"), D("120.00"), D("0.6667"))]
    total = found.total
    assert (total.area, total.occupied, total.free, total.occupancy) == (EXPECTED["area"], EXPECTED["occupied"], D("260.00"), D("0.5094"))
    assert (total.months_vacant, total.asking_rent, total.lost) == (3, D("150000.00"), D("300000.00"))


def test_rent_roll_with_wale_by_area_and_by_rent(session, today, dataset):
    found = reports.rent_roll(session, today)
    rows = [(r.contract, r.customer, r.area, r.rent, r.rate, r.years_left) for r in found.rows]
    assert rows == EXPECTED["rent_roll"]
    assert found.rows[1].rooms == "Альфа, этаж 1 — 101, Альфа, этаж 1 — 102"
    assert (found.area, found.rent) == (D("270.00"), D("400000.00"))
    assert (found.wale_area, found.wale_rent) == (EXPECTED["wale_area"], EXPECTED["wale_rent"])
    assert [r.deposit_held for r in found.rows] == [D("0.00"), D("47000.00"), D("0.00")] and found.deposit_held == D("47000.00")


def test_wale_without_any_dated_contract_is_none():
    assert reports.wale([], lambda r: r.area) is None
    assert reports.years_left(None, date(2026, 1, 1)) is None
    assert reports.years_left(date(2026, 12, 31), date(2026, 1, 1)) == D("1.00")


@pytest.mark.parametrize("start, end, months", [
    (date(2026, 3, 1), date(2026, 6, 1), 3), (date(2026, 3, 2), date(2026, 6, 1), 2),
    (date(2026, 1, 31), date(2026, 2, 28), 1), (date(2026, 1, 31), date(2026, 2, 27), 0),
    (date(2026, 6, 1), date(2026, 6, 30), 0),
])
def test_months_vacant_are_whole_months(start, end, months):
    assert reports.months_between(start, end) == months


def test_revenue_by_month_counts_issued_invoices_and_incoming_money_of_the_last_12_months(session):
    day = date(2026, 6, 15)
    contract = factories.contract(session)
    for when, amount, status in ((date(2025, 7, 1), "100.00", InvoiceStatus.ISSUED.value),   # the first month
                                 (date(2025, 6, 30), "999.00", InvoiceStatus.ISSUED.value),  # 13 months back
                                 (date(2026, 6, 30), "200.00", InvoiceStatus.ISSUED.value),  # this month, later
                                 (date(2026, 6, 2), "300.00", InvoiceStatus.ISSUED.value),
                                 (date(2026, 6, 3), "999.00", InvoiceStatus.CANCELLED.value),
                                 (date(2026, 6, 3), "999.00", InvoiceStatus.PLANNED.value)):
        factories.invoice(session, contract, date=when, amount=D(amount), status=status)
    factories.payment(session, date=date(2025, 7, 31), amount=D("40.00"))
    factories.payment(session, date=date(2026, 6, 1), amount=D("60.00"))
    factories.payment(session, date=date(2026, 6, 1), amount=D("999.00"), internal_transfer=True)
    factories.payment(session, date=date(2026, 6, 1), amount=D("999.00"), direction=Direction.OUTGOING.value)
    months = reports.revenue(session, day)
    assert [m.start for m in months] == [date(2025, 7, 1)] + [date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(8, 19)]
    assert (months[0].invoiced, months[0].paid) == (D("100.00"), D("40.00"))
    assert (months[-1].invoiced, months[-1].paid, months[-1].end) == (D("500.00"), D("60.00"), date(2026, 6, 30))
    assert all((m.invoiced, m.paid) == (0, 0) for m in months[1:-1])


def test_revenue_leaves_the_deposit_out_and_counts_its_offset_as_paid(session):
    """A deposit invoiced and paid in May is held, not revenue; in June 2 000 of it pays a rent
    invoice (paid on the offset's day) and 1 000 goes back to the tenant (no revenue either)."""
    contract = factories.contract(session, deposit_amount=D("10000.00"))
    deposit = factories.invoice(session, contract, kind=DocumentKind.DEPOSIT.value, date=date(2026, 5, 4),
                                amount=D("10000.00"), paid_amount=D("10000.00"))
    rent = factories.invoice(session, contract, date=date(2026, 6, 1), amount=D("5000.00"), paid_amount=D("1500.00"))
    money = factories.payment(session, date=date(2026, 5, 20), amount=D("11500.00"), allocated_amount=D("11500.00"))
    session.add_all([Allocation(payment=money, invoice=deposit, amount=D("10000.00")),
                     Allocation(payment=money, invoice=rent, amount=D("1500.00"))])
    session.flush()
    deposits.record(session, contract, deposits.OFFSET, "2000.00", date(2026, 6, 10), invoice_id=rent.id)
    deposits.record(session, contract, deposits.REFUND, "1000.00", date(2026, 6, 12))
    may, june = reports.revenue(session, date(2026, 6, 15))[-2:]
    assert (may.invoiced, may.paid, may.deposit_received) == (D("0.00"), D("1500.00"), D("10000.00"))
    assert (june.invoiced, june.paid, june.deposit_offset, june.deposit_refunded) == (
        D("5000.00"), D("2000.00"), D("2000.00"), D("1000.00"))


def test_start_page_summary(session, today, dataset):
    found = reports.summary(session, today)
    assert (found.aging.debt, found.aging.current, found.aging.buckets) == (
        EXPECTED["all_debt"], EXPECTED["all_current"], EXPECTED["all_buckets"])
    month = found.this_month
    assert (month.invoiced, month.paid) == (EXPECTED["invoiced_month"], EXPECTED["paid_month"])
    assert (month.deposit_received, month.deposit_offset, month.deposit_refunded) == EXPECTED["deposit_month"]
    assert found.months == reports.revenue(session, today)  # the start page's months are the report's
    assert found.unallocated == EXPECTED["unallocated"]
    assert (found.occupied, found.area, found.occupancy) == (EXPECTED["occupied"], EXPECTED["area"], D("0.5094"))


def test_lease_expiry_by_year(session, today, dataset):
    found = reports.rent_roll(session, today).expiries
    ends = {(today + timedelta(days=364)).year: (D("150.00"), D("200000.00"))}
    second = (today + timedelta(days=729)).year
    ends[second] = tuple(a + b for a, b in zip(ends.get(second, (0, 0)), (D("80.00"), D("100000.00"))))
    assert [(e.year, e.area, e.rent) for e in found] == [(y, *ends[y]) for y in sorted(ends)] + [(None, D("40.00"), D("100000.00"))]
