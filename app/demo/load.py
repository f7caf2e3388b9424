"""`demo load`: a realistic sample landlord, loaded once (a second run changes nothing).

Two executors, three buildings (offices, a warehouse complex, a shopping centre) with
sections, floors and service rooms, 30 tenants with valid requisites, 40 contracts in every
status, agreements, and the contracts' billing schedules with everything due up to today
issued by the nightly job's function, and payments — most paid, some overdue, some
payments not allocated.
"""
import random
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update

from app.demo import data
from app.domain import allocation, schedule
from app.domain.contracts import keep_end_in_force, monthly_rent
from app.domain.enums import (
    ACTIVE_CONTRACT,
    ActStatus,
    ContractStatus,
    Direction,
    FeedMode,
    InvoiceStatus,
    PartyKind,
    PaymentSource,
    RoomKind,
    TariffPeriod,
    VatMode,
)
from app.models import (
    Account,
    Act,
    Agreement,
    BankAccount,
    Building,
    ContactPerson,
    Contract,
    ContractRoom,
    ContractService,
    ContractStatusChange,
    Counterparty,
    Floor,
    Invoice,
    Payment,
    Room,
    Section,
)

EXECUTOR_A_INN = "7701234564"  # checksum-valid, fixed so that `demo load` can tell it ran


def already_loaded(session):
    return session.scalar(select(Counterparty.id).where(Counterparty.inn == EXECUTOR_A_INN)) is not None


def load(session, security_manager, today):
    """Load the demo landlord unless it is there. Returns a summary; the caller commits."""
    if already_loaded(session):
        return {"loaded": False, "reason": "demo data is already loaded"}
    rng = random.Random(2026)
    staff = _staff(security_manager)
    session.add(Account(name="ООО «Северная башня»", plan_name="Профессиональный", billing_period=TariffPeriod.YEARLY.value,
                        price=Decimal("60000.00"), paid_until=today + timedelta(days=40)))
    inns = data.UniqueInns(rng)  # an INN+KPP is unique: no card may repeat another's
    inns.drawn.add(EXECUTOR_A_INN)
    executors = _executors(session, rng, inns)
    buildings = _buildings(session, rng, staff)
    customers = _customers(session, rng, inns)
    contracts = _contracts(session, rng, today, executors, buildings, customers, staff)
    _agreements(session, today, contracts)
    documents = _schedules(session, today, contracts)
    payments = _payments(session, rng, today, documents, executors, customers)
    session.flush()
    return {
        "loaded": True,
        "executors": len(set(executors.values())),
        "buildings": len(buildings),
        "customers": len(customers),
        "contracts": len(contracts),
        "invoices": len(documents),
        "payments": payments,
        "login": {"username": "owner", "password": data.DEMO_PASSWORD},
    }


def _staff(sm):
    users = {}
    for username, first, last, role_name in data.STAFF:
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, first, last, f"{username}@arenda.example", [sm.find_role(role_name)], data.DEMO_PASSWORD)
        users[username] = user
    return users


def _bank_account(rng, party, bik=data.SBER_BIK, corr=data.SBER_CORR, bank=data.SBER_NAME):
    party.bank_accounts.append(
        BankAccount(account=data.account_number(rng, bik, "40702" if party.kind == PartyKind.LEGAL.value else "40802"),
                    bik=bik, bank_name=bank, corr_account=corr)
    )


def _executors(session, rng, inns):
    a = Counterparty(kind=PartyKind.LEGAL.value, name="ООО «Северная башня»", full_name="Общество с ограниченной ответственностью «Северная башня»",
                     inn=EXECUTOR_A_INN, kpp="770101001", ogrn="1157746123453", address="125047, г. Москва, ул. Лесная, д. 5",
                     phone="+7 495 123-45-67", email="office@sev-bashnya.example", is_executor=True, is_customer=False,
                     doc_prefix="А-", reply_to_email="arenda@sev-bashnya.example", vat_invoices_enabled=True)
    b = Counterparty(kind=PartyKind.LEGAL.value, name="ООО «Восток Логистик Парк»", full_name="Общество с ограниченной ответственностью «Восток Логистик Парк»",
                     inn=inns.org(), kpp="503101001", ogrn="1185053012348", address="142400, Московская обл., г. Ногинск, Складской пр., д. 1",
                     phone="+7 496 555-10-20", email="info@vostok-park.example", is_executor=True, is_customer=False,
                     doc_prefix="В-", reply_to_email="buh@vostok-park.example", vat_invoices_enabled=False)
    for party in (a, b):
        _bank_account(rng, party)
        session.add(party)
    session.flush()
    return {"office": a, "retail": a, "warehouse": b}


def _rooms(rng, floor, kind, count, areas, rates, start_number):
    for i in range(count):
        floor.rooms.append(Room(number=str(start_number + i), kind=kind,
                                area=Decimal(rng.randrange(*areas)), rent_rate=Decimal(rng.randrange(*rates, 500))))
    floor.rooms.append(Room(number=f"{start_number // 100}К", kind=RoomKind.SERVICE.value, area=Decimal("24.50"),
                            rent_rate=Decimal("0"), description="Коридор"))
    floor.rooms.append(Room(number=f"{start_number // 100}С", kind=RoomKind.SERVICE.value, area=Decimal("8.20"),
                            rent_rate=Decimal("0"), description="Санузел"))


def _buildings(session, rng, staff):
    office = Building(name="БЦ «Северная башня»", address="г. Москва, ул. Лесная, д. 5", floors_count=4,
                      description="Бизнес-центр класса B+ у метро «Белорусская», круглосуточная охрана, парковка.",
                      manager=staff["manager"])
    for name, manager in (("Башня А", staff["manager"]), ("Башня Б", staff["manager2"])):
        section = Section(name=name, description=f"{name}: отдельный вход, два лифта.", manager=manager)
        office.sections.append(section)
        for number in range(1, 5):
            floor = Floor(number=number, section=section, in_feed=number > 1, feed_mode=FeedMode.PER_ROOM.value)
            office.floors.append(floor)
            _rooms(rng, floor, RoomKind.OFFICE.value, 4, (30, 121), (18000, 30001), number * 100 + 1 + (50 if name == "Башня Б" else 0))
    warehouse = Building(name="Складской комплекс «Восток»", address="Московская обл., г. Ногинск, Складской пр., д. 1",
                         floors_count=2, description="Склады класса A, высота потолков 12 м, пандусы, ж/д ветка.",
                         manager=staff["manager2"])
    for number in (1, 2):
        floor = Floor(number=number, in_feed=True, feed_mode=FeedMode.SINGLE.value)
        warehouse.floors.append(floor)
        _rooms(rng, floor, RoomKind.WAREHOUSE.value, 6, (200, 801), (6000, 9001), number * 100 + 1)
        floor.rooms.append(Room(number=f"{number}09", kind=RoomKind.OFFICE.value, area=Decimal("45"), rent_rate=Decimal("15000")))
    mall = Building(name="ТЦ «Галерея»", address="г. Москва, Ленинский пр., д. 77", floors_count=2,
                    description="Торговый центр у станции «Университет», трафик 20 000 человек в день.", manager=staff["manager"])
    for number in (1, 2):
        floor = Floor(number=number, in_feed=True, feed_mode=FeedMode.PER_ROOM.value)
        mall.floors.append(floor)
        _rooms(rng, floor, RoomKind.RETAIL.value, 6, (20, 151), (30000, 45001), number * 100 + 1)
    buildings = {"office": office, "warehouse": warehouse, "retail": mall}
    session.add_all(buildings.values())
    session.flush()
    return buildings


def _customers(session, rng, inns):
    customers = []
    for i in range(30):
        if i % 10 == 9:
            party = Counterparty(kind=PartyKind.SOLE.value, name=data.person_name(i // 10), inn=inns.person(),
                                 phone=f"+7 916 {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                                 email=f"ip{i}@mail.example", is_customer=True)
        else:
            name = data.company_name(rng, i)
            party = Counterparty(kind=PartyKind.LEGAL.value, name=name, full_name=name.replace("ООО", "Общество с ограниченной ответственностью"),
                                 inn=inns.org(), kpp=f"77{rng.randrange(10, 99)}01001",
                                 address=f"г. Москва, ул. {data.WORDS[i]}ская, д. {i + 3}",
                                 phone=f"+7 495 {rng.randrange(100, 999)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                                 email=f"office{i}@tenant.example", is_customer=True,
                                 recipient_emails=f"buh{i}@tenant.example, director{i}@tenant.example" if i % 3 else None)
            last, first, middle = data.PEOPLE[i % len(data.PEOPLE)]
            party.contacts.append(ContactPerson(name=f"{last} {first} {middle}", position="Генеральный директор",
                                                phone=party.phone, email=party.email))
        _bank_account(rng, party, *((data.TBANK_BIK, data.TBANK_CORR, data.TBANK_NAME) if i % 4 == 0 else ()))
        customers.append(party)
    session.add_all(customers)
    session.flush()
    return customers


# (status, months since start (negative: starts in the future), length in months, has original)
_PLAN = (
    [(ContractStatus.SIGNED.value, m, 11, True) for m in (14, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)]
    + [(ContractStatus.SIGNED.value, m, 36, o) for m, o in ((10, True), (6, False), (4, True))]  # registration due
    + [(ContractStatus.SIGNED.value, m, 11, False) for m in (5, 2)]  # originals missing
    + [(ContractStatus.SIGNED.value, -1, 11, True), (ContractStatus.SIGNED.value, 0, None, True)]  # future, open-ended
    + [(ContractStatus.SIGNED.value, 15, 24, True), (ContractStatus.SIGNED.value, 9, 11, True)]
    + [(ContractStatus.REGISTERED.value, m, 36, True) for m in (24, 20, 16, 13, 8, 3)]
    + [(ContractStatus.DRAFT.value, -1, 11, False), (ContractStatus.DRAFT.value, -2, 11, False)]
    + [(ContractStatus.BOOKED.value, -1, 11, False), (ContractStatus.BOOKED.value, -2, 36, False)]
    + [(ContractStatus.ON_SIGNING.value, 0, 11, False), (ContractStatus.ON_SIGNING.value, -1, 11, False)]
    + [(ContractStatus.SIGNED.value, m, 11, True) for m in (7, 3)]
    + [(ContractStatus.CANCELLED.value, m, 11, False) for m in (3, 1)]
    + [(ContractStatus.TERMINATED.value, m, 11, True) for m in (13, 9)]
)


def _contracts(session, rng, today, executors, buildings, customers, staff):
    pools = {
        key: [room for floor in building.floors for room in floor.rooms if room.kind != RoomKind.SERVICE.value]
        for key, building in buildings.items()
    }
    for pool in pools.values():
        rng.shuffle(pool)
    kinds = ["office", "office", "retail", "warehouse"]
    contracts = []
    first_of_month = today.replace(day=1)
    for i, (status, months_ago, length, has_original) in enumerate(_PLAN):
        key = kinds[i % len(kinds)]
        start = first_of_month - relativedelta(months=months_ago) + timedelta(days=(0 if i % 3 else 14))
        end = None if length is None else start + relativedelta(months=length) - timedelta(days=1)
        customer = customers[i % len(customers)]
        contract = Contract(
            number=f"{'АР' if key != 'warehouse' else 'СК'}-{start:%y}/{i + 1:03d}", date=start - timedelta(days=10),
            executor=executors[key], customer=customer,
            manager=buildings[key].manager, status=status, start_date=start, end_date=end, has_original=has_original,
            notify_days_before_end=30, autosend_documents=bool(customer.recipient_emails),
            vat_mode=VatMode.ON_TOP.value if executors[key].vat_invoices_enabled else VatMode.NONE.value,
            vat_rate=Decimal("0.20") if executors[key].vat_invoices_enabled else Decimal("0"),
            invoice_day=25, payment_term_days=5,
            deposit_amount=Decimal("100000.00") if i % 7 == 0 else None,
        )
        for room in (pools[key].pop() for _ in range(2 if key == "office" and i % 5 == 1 else 1)):
            contract.rooms.append(ContractRoom(room=room, area=room.area, rate=room.rent_rate))
        if key == "office" and i % 5 == 0:
            contract.services.append(ContractService(name="Парковочное место", monthly_amount=Decimal("7500.00")))
        contract.status_history.append(ContractStatusChange(old_status=None, new_status=status, source="demo",
                                                            changed_by=staff["manager"]))
        contracts.append(contract)
    session.add_all(contracts)
    session.flush()
    return contracts


def _agreements(session, today, contracts):
    long_signed = [c for c in contracts if c.status == ContractStatus.REGISTERED.value]
    for n, contract in enumerate(long_signed[:3], 1):
        rent = monthly_rent(contract)
        session.add(Agreement(contract=contract, number=f"{n}", date=today - timedelta(days=20),
                              start_date=(today + relativedelta(months=1)).replace(day=1), notify_days_before=14,
                              new_monthly_rent=(rent * Decimal("1.07")).quantize(Decimal("0.01")),
                              comment="Индексация арендной платы на 7 %"))
    signed = [c for c in contracts if c.status == ContractStatus.SIGNED.value and c.end_date]
    session.add(Agreement(contract=signed[0], number="1", date=today - timedelta(days=5), start_date=today + timedelta(days=7),
                          notify_days_before=7, new_end_date=signed[0].end_date + relativedelta(months=6),
                          comment="Продление срока аренды на 6 месяцев"))
    terminated = [c for c in contracts if c.status == ContractStatus.TERMINATED.value]
    for contract in terminated:
        stop = today.replace(day=1) - relativedelta(months=1)
        session.add(Agreement(contract=contract, number="1", date=stop - timedelta(days=30), start_date=stop,
                              terminates=True, comment="Досрочное расторжение по соглашению сторон"))
        contract.end_date = stop - timedelta(days=1)


def _schedules(session, today, contracts):
    """Each contract's schedule, and what fell due up to today issued by the nightly job's own
    function. Terminated contracts were billed while they ran, so they are scheduled as signed
    first; acts older than a month are signed. Returns the issued invoices."""
    terminated = [c for c in contracts if c.status == ContractStatus.TERMINATED.value]
    for contract in terminated:
        contract.status = ContractStatus.SIGNED.value
    for contract in contracts:
        keep_end_in_force(contract)
        schedule.rebuild(session, contract, today)
    billed = [c.id for c in contracts if c.status in ACTIVE_CONTRACT]
    schedule.issue_due(session, billed, today)
    session.execute(update(Act).where(Act.status == ActStatus.ON_SIGNING.value, Act.date < today - timedelta(days=31))
                    .values(status=ActStatus.SIGNED.value))
    for contract in terminated:
        contract.status = ContractStatus.TERMINATED.value
        schedule.rebuild(session, contract, today)
    return session.scalars(select(Invoice).where(Invoice.contract_id.in_(billed), Invoice.status == InvoiceStatus.ISSUED.value)).all()


def _payment(invoice, amount, when, number, purpose=None):
    executor, customer = invoice.executor, invoice.customer
    return Payment(
        direction=Direction.INCOMING.value, date=when, number=str(number), amount=amount, source=PaymentSource.BANK_STATEMENT.value,
        payer_name=customer.name, payer_inn=customer.inn, payer_kpp=customer.kpp,
        payer_account=customer.bank_accounts[0].account, payer_bik=customer.bank_accounts[0].bik,
        payer_bank=customer.bank_accounts[0].bank_name,
        recipient_name=executor.name, recipient_inn=executor.inn, recipient_kpp=executor.kpp,
        recipient_account=executor.bank_accounts[0].account, recipient_bik=executor.bank_accounts[0].bik,
        recipient_bank=executor.bank_accounts[0].bank_name,
        purpose=purpose or f"Оплата по счёту № {invoice.number} от {invoice.date:%d.%m.%Y}. Сумма {invoice.amount} руб., в т.ч. НДС {invoice.vat_amount} руб.",
        dedupe_key=f"demo:{invoice.id}:{number}",
    )


def _payments(session, rng, today, invoices, executors, customers):
    count = 0
    for n, invoice in enumerate(sorted(invoices, key=lambda i: i.date), 1):
        if invoice.due_date >= today:
            continue
        roll = rng.random()
        if roll < 0.08:
            continue  # overdue, unpaid
        paid_on = invoice.due_date - timedelta(days=rng.randrange(0, 4))
        amount = invoice.amount if roll >= 0.13 else (invoice.amount / 2).quantize(Decimal("0.01"))
        payment = _payment(invoice, amount, paid_on, 1000 + n)
        session.add(payment)
        session.flush()
        allocation.allocate(session, payment, invoice, amount, automatic=True)
        count += 1
    sample = next(i for i in invoices if i.customer.kind == PartyKind.LEGAL.value)
    unallocated = [
        _payment(sample, Decimal("12345.67"), today - timedelta(days=3), 9001, "Оплата за аренду, счёт не указан"),
        _payment(sample, Decimal("50000.00"), today - timedelta(days=10), 9002, "Аванс по договору аренды"),
    ]
    card = _payment(sample, Decimal("15000.00"), today - timedelta(days=2), 9003,
                    "Перевод с карты 2202****1234. Плательщик: Смирнова Мария Андреевна. Аренда пом. 105")
    card.payer_name, card.payer_inn, card.payer_kpp, card.payer_is_bank = data.SBER_NAME, "7707083893", "773601001", True
    outgoing = Payment(direction=Direction.OUTGOING.value, date=today - timedelta(days=6), number="311", amount=Decimal("84210.00"),
                       source=PaymentSource.BANK_STATEMENT.value, payer_name=executors["office"].name, payer_inn=executors["office"].inn,
                       recipient_name="ПАО «Мосэнергосбыт»", recipient_inn="7736520080", purpose="Оплата электроэнергии за прошлый месяц",
                       dedupe_key="demo:out:311")
    session.add_all(unallocated + [card, outgoing])
    return count + len(unallocated) + 2
