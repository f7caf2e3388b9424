"""A landlord around any "today" whose reports have exact, hand-counted figures (EXPECTED below).

Building «Альфа»: floor 1 rooms 101 (100 m², 12 000 ₽/m² a year) and 102 (50 m², 24 000) let to
«Альфа-Трейд» (С-1: 200 000 ₽ a month, ends in 365 days), a service room (never counted); floor 2
room 201 (200 m², 6 000) free for exactly 3 months since a terminated contract. Building «Бета»:
floor 1 room Б1 (80 m²) let to «Бета-Сервис» (С-2: 100 000 ₽ by its terms, ends in 730 days,
0.1 % a day penalty); floor 2 room Б2 (40 m², 30 000) let open-ended to «ИП Гамма» (С-3) and Б3
(60 m², 10 000) never let.
Debts of С-1 sit on each side of the age boundaries (30/31, 60/61, 90/91 days overdue), one due
today (not overdue), one paid, one partly paid; С-2 owes 5 000 ₽ 10 days overdue (and a
cancelled and a planned invoice that count nothing); С-3 owes 3 000 ₽ due in 5 days. Every
invoice is dated the 1st of this month; money this month: 900 ₽ allocated, 7 000 ₽ not, and a
transfer between own accounts and an outgoing payment that count nothing.
The security deposit of С-1: 50 000 ₽ invoiced and paid on the 1st (held, not revenue), 3 000 ₽ of
it offset against a rent invoice of 3 000 ₽ on the 1st (paid, so no debt): 47 000 ₽ held.
"""
from datetime import timedelta
from decimal import Decimal

from app.domain import deposits
from app.domain.enums import ContractStatus, Direction, DocumentKind, InvoiceStatus, PenaltyMode, RoomKind
from app.domain.proration import add_months
from app.models import Allocation, Building, Floor
from tests import factories

D = Decimal

EXPECTED = {
    "debtors": [  # customer, contract, current, 0–30, 31–60, 61–90, 90+, debt
        ("ООО «Альфа-Трейд»", "С-1", D("64000.00"), [D("1600.00"), D("6000.00"), D("24000.00"), D("32000.00")], D("127600.00")),
        ("ООО «Бета-Сервис»", "С-2", D("0.00"), [D("5000.00"), D("0.00"), D("0.00"), D("0.00")], D("5000.00")),
    ],
    "penalty": D("50.00"),  # С-2: 5 000 ₽ × 0.1 % × 10 days
    "all_debt": D("135600.00"),
    "all_current": D("67000.00"),
    "all_buckets": [D("6600.00"), D("6000.00"), D("24000.00"), D("32000.00")],
    "vacancy": [  # building, floor, lettable, occupied, free rooms, occupancy, months vacant, asking, lost
        ("Альфа", 1, D("150.00"), D("150.00"), 0, D("1.0000"), None, D("0.00"), D("0.00")),
        ("Альфа", 2, D("200.00"), D("0.00"), 1, D("0.0000"), 3, D("100000.00"), D("300000.00")),
        ("Бета", 1, D("80.00"), D("80.00"), 0, D("1.0000"), None, D("0.00"), D("0.00")),
        ("Бета", 2, D("100.00"), D("40.00"), 1, D("0.4000"), None, D("50000.00"), D("0.00")),
    ],
    "occupied": D("270.00"),
    "area": D("530.00"),
    "rent_roll": [  # contract, customer, area, rent, rate a year, years left
        ("С-3", "ИП Гамма", D("40.00"), D("100000.00"), D("30000.00"), None),
        ("С-1", "ООО «Альфа-Трейд»", D("150.00"), D("200000.00"), D("16000.00"), D("1.00")),
        ("С-2", "ООО «Бета-Сервис»", D("80.00"), D("100000.00"), D("15000.00"), D("2.00")),
    ],
    "wale_area": D("1.35"),  # (1 × 150 + 2 × 80) / 230
    "wale_rent": D("1.33"),  # (1 × 200 000 + 2 × 100 000) / 300 000
    "deposit_held": {"С-1": D("47000.00")},
    "invoiced_month": D("139500.00"),  # 136 500 + the rent invoice paid by the offset; not the deposit
    "paid_month": D("10900.00"),  # 900 + 7 000 unallocated + 3 000 offset; not the deposit's 50 000
    "deposit_month": (D("50000.00"), D("3000.00"), D("0.00")),  # received, offset, refunded
    "unallocated": D("7000.00"),
}


def _floor(session, building, number):
    floor = Floor(building=building, number=number)
    session.add(floor)
    return floor


def build(session, today):
    """The dataset; returns {name: object} for links (contracts С-1..С-3)."""
    alpha, beta = Building(name="Альфа"), Building(name="Бета")
    a1, a2, b1, b2 = _floor(session, alpha, 1), _floor(session, alpha, 2), _floor(session, beta, 1), _floor(session, beta, 2)
    room = factories.room
    r101 = room(session, a1, number="101", area=D("100.00"), rent_rate=D("12000.00"))
    r102 = room(session, a1, number="102", area=D("50.00"), rent_rate=D("24000.00"))
    room(session, a1, number="Т", kind=RoomKind.SERVICE.value, area=D("20.00"), rent_rate=D("0.00"))
    r201 = room(session, a2, number="201", area=D("200.00"), rent_rate=D("6000.00"))
    rb1 = room(session, b1, number="Б1", area=D("80.00"), rent_rate=D("15000.00"))
    rb2 = room(session, b2, number="Б2", area=D("40.00"), rent_rate=D("30000.00"))
    room(session, b2, number="Б3", area=D("60.00"), rent_rate=D("10000.00"))

    executor = factories.executor(session, name="ООО «Арендодатель»")
    alpha_trade = factories.customer(session, name="ООО «Альфа-Трейд»")
    beta_service = factories.customer(session, name="ООО «Бета-Сервис»")
    gamma = factories.customer(session, name="ИП Гамма")
    day = timedelta(days=1)
    c1 = factories.contract(session, [r101, r102], number="С-1", executor=executor, customer=alpha_trade,
                            start_date=today - 400 * day, end_date=today + 364 * day)
    c2 = factories.contract(session, [rb1], number="С-2", executor=executor, customer=beta_service,
                            start_date=today - 100 * day, end_date=today + 729 * day, monthly_rent=D("100000.00"),
                            penalty_mode=PenaltyMode.PERCENT_PER_DAY.value, penalty_rate=D("0.1"))
    c3 = factories.contract(session, [rb2], number="С-3", executor=executor, customer=gamma,
                            start_date=today - 10 * day, end_date=None)
    vacated = add_months(today, -3) - day
    factories.contract(session, [r201], number="С-0", executor=executor, customer=gamma, status=ContractStatus.TERMINATED.value,
                       start_date=vacated - 500 * day, end_date=vacated)

    first = today.replace(day=1)

    def invoice(contract, amount, due, paid="0.00", status=InvoiceStatus.ISSUED.value, kind=DocumentKind.RENT.value):
        return factories.invoice(session, contract, amount=D(amount), paid_amount=D(paid), due_date=due, date=first,
                                 status=status, kind=kind,
                                 number=None if status == InvoiceStatus.PLANNED.value else f"{contract.number}/{kind}/{amount}/{due:%j}")

    for days, amount in ((30, "1000.00"), (31, "2000.00"), (60, "4000.00"), (61, "8000.00"), (90, "16000.00"), (91, "32000.00"),
                         (0, "64000.00")):
        invoice(c1, amount, today - days * day)
    invoice(c1, "500.00", today - 20 * day, paid="500.00")
    invoice(c1, "1000.00", today - 5 * day, paid="400.00")
    invoice(c2, "5000.00", today - 10 * day)
    invoice(c2, "7000.00", today - 40 * day, status=InvoiceStatus.CANCELLED.value)
    invoice(c2, "9000.00", today - 40 * day, status=InvoiceStatus.PLANNED.value)
    invoice(c3, "3000.00", today + 5 * day)

    pay = factories.payment
    pay(session, date=first, amount=D("500.00"), allocated_amount=D("500.00"))
    pay(session, date=first, amount=D("400.00"), allocated_amount=D("400.00"))
    pay(session, date=first, amount=D("7000.00"))
    pay(session, date=first, amount=D("100000.00"), internal_transfer=True)
    pay(session, date=first, amount=D("50000.00"), direction=Direction.OUTGOING.value)

    c1.deposit_amount = D("50000.00")
    deposit = invoice(c1, "50000.00", first, paid="50000.00", kind=DocumentKind.DEPOSIT.value)
    session.add(Allocation(payment=pay(session, date=first, amount=D("50000.00"), allocated_amount=D("50000.00")),
                           invoice=deposit, amount=D("50000.00")))
    offset = invoice(c1, "3000.00", today - 3 * day)
    session.flush()
    deposits.record(session, c1, deposits.OFFSET, "3000.00", first, invoice_id=offset.id)
    session.flush()
    return {"С-1": c1, "С-2": c2, "С-3": c3}
