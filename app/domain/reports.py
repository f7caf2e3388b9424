"""Reports (no Flask): debtors by age of the overdue debt, vacancy per building and floor, the
rent roll with WALE, invoiced against paid by month, and the start page's money figures.

Each function takes the session and "today" and returns plain rows; the admin pages, the .xlsx
workbooks (app.exports.reports) and the tests read the same rows. Sums are aggregated in SQL
(one query per figure set); occupancy is `occupancy.occupied_room_ids`, the penalty
`penalties.listing`, the rent and rooms in force `contracts`.

Definitions:
- debt: what is left to pay (amount − paid) on issued invoices in force; overdue when the due
  date has passed (`due_date < today`; an invoice without a due date is not aged). Its age is
  `today − due_date` in days, in the buckets 1–30 («0–30»), 31–60, 61–90, 91 and more («90+»).
- occupancy: occupied lettable area ÷ lettable area (service rooms are never let on their own).
- months vacant of a free room: whole months since the day after the last end in force of a
  contract (or agreement) that let it; unknown (None) for a room never let.
- rent lost: a free room's asking rent (area × its rate ÷ 12 a month) times its months vacant.
- WALE: the average remaining term in years ((end in force − today + 1 day) ÷ 365) of the
  contracts in force with an end date, weighted by their area or by their monthly rent.
- the security deposit (app.domain.deposits) is held, not revenue: deposit invoices are not
  "invoiced", the money allocated to them is not "paid" (it is the month's deposit received);
  an offset from the deposit pays a rent invoice, so it is "paid" on its day. The debtors and
  the rent roll show the deposit held beside the debt, never subtracted from it.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from app.domain import billing, deposits, issuing, occupancy, penalties
from app.domain.contracts import end_in_force, in_force_on, rent_on, rooms_in_force
from app.domain.enums import ACTIVE_CONTRACT, ContractStatus, Direction, RoomKind
from app.domain.proration import add_months
from app.models import (
    Agreement, AgreementRoom, Allocation, Building, Contract, ContractRoom, Counterparty, DepositOperation, Floor, Invoice,
    Payment, Room, Section,
)
from app.vocabulary.amounts import kopecks

ZERO = Decimal("0.00")
# (label, first day, last day) of overdue; None: no upper bound.
BUCKETS = (("0–30", 1, 30), ("31–60", 31, 60), ("61–90", 61, 90), ("90+", 91, None))
MONTHS = 12
YEAR_DAYS = Decimal(365)
# Contracts that once let their rooms (for months vacant): in force now or terminated since.
HAVE_LET = ACTIVE_CONTRACT + (ContractStatus.TERMINATED.value,)


# --- debt by age ------------------------------------------------------------------------

def bucket_of(days_overdue):
    """The index in BUCKETS of a debt `days_overdue` days past its due date (None: not overdue)."""
    for index, (_, first, last) in enumerate(BUCKETS):
        if days_overdue >= first and (last is None or days_overdue <= last):
            return index
    return None


def due_dates_of(index, today):
    """(earliest, latest) due date of the debts in bucket `index` on `today` (earliest None: no bound)."""
    _, first, last = BUCKETS[index]
    return (None if last is None else today - timedelta(days=last)), today - timedelta(days=first)


def _left():
    return Invoice.amount - Invoice.paid_amount


def _unpaid():
    return issuing.in_force(billing.INVOICE) & (Invoice.paid_amount < Invoice.amount)


def _sum(expression, condition=None):
    value = expression if condition is None else case((condition, expression), else_=0)
    return func.coalesce(func.sum(value), 0)


def _aging_columns(today):
    """SQL sums over unpaid invoices: the whole debt, the part not yet due, and each bucket."""
    columns = [_sum(_left()), _sum(_left(), Invoice.due_date.is_(None) | (Invoice.due_date >= today))]
    for index in range(len(BUCKETS)):
        earliest, latest = due_dates_of(index, today)
        condition = Invoice.due_date <= latest
        if earliest is not None:
            condition = condition & (Invoice.due_date >= earliest)
        columns.append(_sum(_left(), condition))
    return columns


@dataclass
class Aging:
    """A debt split by age: `current` is not yet due, `buckets` follow BUCKETS."""

    debt: Decimal = ZERO
    current: Decimal = ZERO
    buckets: list = field(default_factory=lambda: [ZERO] * len(BUCKETS))

    @property
    def overdue(self):
        return sum(self.buckets, ZERO)

    @classmethod
    def of(cls, sums):
        debt, current, *buckets = (kopecks(value) for value in sums)
        return cls(debt, current, buckets)

    def add(self, other):
        self.debt += other.debt
        self.current += other.current
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets)]


@dataclass
class DebtorRow:
    customer_id: int
    customer: str
    contract_id: int
    contract: str
    aging: Aging
    penalty: Decimal = ZERO  # accrued and not yet charged by a penalty invoice
    deposit_held: Decimal = ZERO  # beside the debt: an offset is a recorded operation (deposits.record)


@dataclass
class Debtors:
    day: date
    rows: list
    total: Aging
    penalty: Decimal
    deposit_held: Decimal = ZERO
    labels: tuple = tuple(label for label, _, _ in BUCKETS)


def debtors(session, today):
    """Per customer and contract with an overdue debt or a penalty not yet charged: the debt by
    age, that penalty and the deposit held; customers by name, their contracts by number."""
    found = session.execute(
        select(Contract.id, Contract.number, Counterparty.id, Counterparty.name, *_aging_columns(today))
        .join(Invoice, Invoice.contract_id == Contract.id)
        .join(Counterparty, Counterparty.id == Contract.customer_id)
        .where(_unpaid())
        .group_by(Contract.id, Contract.number, Counterparty.id, Counterparty.name)
    ).all()
    penalty = {row["id"]: max(row["penalty"] - row["charged"], ZERO) for row in penalties.listing(session, today)["contracts"]}
    rows = {cid: DebtorRow(customer_id, name, cid, number, Aging.of(sums), penalty.get(cid, ZERO))
            for cid, number, customer_id, name, *sums in found}
    missing = [cid for cid, amount in penalty.items() if amount and cid not in rows]
    for cid, number, customer_id, name in session.execute(
        select(Contract.id, Contract.number, Counterparty.id, Counterparty.name)
        .join(Counterparty, Counterparty.id == Contract.customer_id).where(Contract.id.in_(missing))
    ) if missing else ():
        rows[cid] = DebtorRow(customer_id, name, cid, number, Aging(), penalty[cid])
    listed = sorted((r for r in rows.values() if r.aging.overdue or r.penalty),
                    key=lambda r: (r.customer.lower(), r.customer_id, r.contract, r.contract_id))
    held = deposits.held_by_contract(session, [r.contract_id for r in listed]) if listed else {}
    total = Aging()
    for row in listed:
        total.add(row.aging)
        row.deposit_held = held.get(row.contract_id, ZERO)
    return Debtors(today, listed, total, sum((r.penalty for r in listed), ZERO), sum(held.values(), ZERO))


# --- vacancy ----------------------------------------------------------------------------

def months_between(start, end):
    """Whole months from `start` to `end` (0 when less than a month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (1 if add_months(start, months) > end else 0), 0)


def _last_let(session, today, room_ids):
    """{room id: the last day before `today` a contract or agreement let it}."""
    if not room_ids:
        return {}
    ended = (Contract.status.in_(HAVE_LET), Contract.end_in_force < today)
    own = (select(ContractRoom.room_id.label("room_id"), Contract.end_in_force.label("last"))
           .join(Contract, Contract.id == ContractRoom.contract_id).where(*ended))
    by_agreement = (select(AgreementRoom.room_id.label("room_id"), Contract.end_in_force.label("last"))
                    .join(Agreement, Agreement.id == AgreementRoom.agreement_id)
                    .join(Contract, Contract.id == Agreement.contract_id).where(*ended))
    lets = union_all(own, by_agreement).subquery()
    wanted = set(room_ids)
    return {room_id: last for room_id, last in session.execute(
        select(lets.c.room_id, func.max(lets.c.last)).group_by(lets.c.room_id)) if room_id in wanted}


@dataclass
class VacancyRow:
    building_id: int
    building: str
    floor_id: int
    floor: int
    section: str
    area: Decimal = ZERO  # lettable
    occupied: Decimal = ZERO
    free_rooms: int = 0
    months_vacant: int = None  # the longest-vacant free room's (None: none of them was ever let)
    asking_rent: Decimal = ZERO  # a month, of the free rooms
    lost: Decimal = ZERO  # asking rent × months vacant, over the free rooms

    @property
    def free(self):
        return self.area - self.occupied

    @property
    def occupancy(self):
        return occupancy_share(self.occupied, self.area)


def occupancy_share(occupied, area):
    """Occupied area as a fraction of the area (4 decimals; 0 when there is no area)."""
    return (Decimal(occupied) / Decimal(area)).quantize(Decimal("0.0001")) if area else Decimal("0")


@dataclass
class Vacancy:
    day: date
    rows: list  # per floor
    buildings: list  # per building: VacancyRow totals (floor_id, floor None)
    total: VacancyRow


def _lettable_rooms(session):
    return session.execute(
        select(Building.id, Building.name, Floor.id, Floor.number, Section.name, Room.id, Room.area, Room.rent_rate)
        .join(Floor, Floor.building_id == Building.id).outerjoin(Section, Section.id == Floor.section_id)
        .join(Room, Room.floor_id == Floor.id).where(Room.kind != RoomKind.SERVICE.value)
        .order_by(Building.name, Building.id, Floor.number, Section.name, Floor.id)
    ).all()


def vacancy(session, today):
    """Per building and floor on `today`: lettable, occupied and free area, occupancy, free
    rooms, months vacant, the free rooms' asking rent a month and the rent lost."""
    rooms = _lettable_rooms(session)
    busy = occupancy.occupied_room_ids(session, today)
    last_let = _last_let(session, today, [r[5] for r in rooms if r[5] not in busy])
    floors, buildings = {}, {}
    total = VacancyRow(None, "", None, None, "")
    for building_id, building, floor_id, number, section, room_id, area, rate in rooms:
        row = floors.setdefault(floor_id, VacancyRow(building_id, building, floor_id, number, section or ""))
        summary = buildings.setdefault(building_id, VacancyRow(building_id, building, None, None, ""))
        months = None
        if room_id not in busy and room_id in last_let:
            months = months_between(last_let[room_id] + timedelta(days=1), today)
        for target in (row, summary, total):
            target.area += area
            if room_id in busy:
                target.occupied += area
                continue
            target.free_rooms += 1
            asking = kopecks(area * rate / 12)
            target.asking_rent += asking
            if months is not None:
                target.months_vacant = max(target.months_vacant or 0, months)
                target.lost += asking * months
    return Vacancy(today, list(floors.values()), list(buildings.values()), total)


def occupancy_totals(session, today):
    """(occupied, lettable) area on `today`: the start page's occupancy."""
    busy = occupancy.occupied_room_ids(session, today)
    occupied = area = Decimal("0.00")
    for room_id, room_area in session.execute(select(Room.id, Room.area).where(Room.kind != RoomKind.SERVICE.value)):
        area += room_area
        if room_id in busy:
            occupied += room_area
    return occupied, area


# --- rent roll --------------------------------------------------------------------------

@dataclass
class RentRollRow:
    contract_id: int
    contract: str
    customer: str
    rooms: str  # "building, floor N — number" joined
    area: Decimal
    rent: Decimal  # a month, in force today
    start: date
    end: date  # in force (None: open-ended)
    years_left: Decimal  # None: open-ended
    deposit_held: Decimal = ZERO

    @property
    def rate(self):
        """Rent per m² a year."""
        return kopecks(self.rent * 12 / self.area) if self.area else None


@dataclass
class RentRoll:
    day: date
    rows: list
    area: Decimal
    rent: Decimal
    wale_area: Decimal  # years (None: no contract with an end date)
    wale_rent: Decimal
    expiries: list = field(default_factory=list)  # Expiry by year
    deposit_held: Decimal = ZERO


def years_left(end, today):
    """Remaining term in years, both days counted, to 2 decimals (None: open-ended)."""
    return None if end is None else ((Decimal((end - today).days + 1)) / YEAR_DAYS).quantize(Decimal("0.01"))


def wale(rows, weight):
    """The average of `years_left` weighted by `weight(row)`, over rows with an end (None: none)."""
    dated = [(row.years_left, weight(row)) for row in rows if row.years_left is not None]
    weights = sum((w for _, w in dated), Decimal(0))
    if not weights:
        return None
    return (sum((y * w for y, w in dated), Decimal(0)) / weights).quantize(Decimal("0.01"))


def _room_names(session):
    """{room id: «building, этаж N — number»} in one query (not a relation chain per room)."""
    return {room_id: f"{building}, этаж {floor} — {number}" for room_id, building, floor, number in session.execute(
        select(Room.id, Building.name, Floor.number, Room.number).join(Floor, Floor.id == Room.floor_id)
        .join(Building, Building.id == Floor.building_id))}


def rent_roll(session, today):
    """Active contracts in force on `today`, by customer: rooms, area, rent, rate, term, the
    deposit held; WALE."""
    contracts = session.scalars(
        select(Contract).where(Contract.status.in_(ACTIVE_CONTRACT), Contract.start_date <= today)
        .options(selectinload(Contract.customer), selectinload(Contract.rooms),
                 selectinload(Contract.agreements).selectinload(Agreement.rooms))
    ).all()
    names = _room_names(session)
    rows = []
    for contract in contracts:
        if not in_force_on(contract, today):
            continue
        let = rooms_in_force(contract, today)
        end = end_in_force(contract)
        rows.append(RentRollRow(
            contract.id, contract.number, contract.customer.name, ", ".join(sorted(names[r.room_id] for r in let)),
            sum((r.area for r in let), Decimal("0.00")), rent_on(contract, today), contract.start_date, end,
            years_left(end, today),
        ))
    rows.sort(key=lambda r: (r.customer.lower(), r.contract, r.contract_id))
    held = deposits.held_by_contract(session)  # of every contract: the roll lists thousands
    for row in rows:
        row.deposit_held = held.get(row.contract_id, ZERO)
    return RentRoll(today, rows, sum((r.area for r in rows), Decimal("0.00")), sum((r.rent for r in rows), ZERO),
                    wale(rows, lambda r: r.area), wale(rows, lambda r: r.rent), expiries(rows),
                    sum((r.deposit_held for r in rows), ZERO))


@dataclass
class Expiry:
    year: int  # None: open-ended
    area: Decimal
    rent: Decimal


def expiries(rows):
    """The rent roll rows' area and monthly rent by the year their contracts end (open-ended last)."""
    years = {}
    for row in rows:
        year = row.end.year if row.end else None
        found = years.setdefault(year, Expiry(year, Decimal("0.00"), ZERO))
        found.area += row.area
        found.rent += row.rent
    return sorted(years.values(), key=lambda e: (e.year is None, e.year or 0))


# --- money by month ---------------------------------------------------------------------

@dataclass
class Month:
    start: date  # its first day
    invoiced: Decimal  # issued invoices but deposits
    paid: Decimal  # incoming money but deposits received, plus offsets from the deposit
    deposit_received: Decimal = ZERO  # incoming money allocated to deposit invoices
    deposit_offset: Decimal = ZERO
    deposit_refunded: Decimal = ZERO

    @property
    def end(self):
        return add_months(self.start, 1) - timedelta(days=1)


def month_starts(today, months=MONTHS):
    """The first days of the `months` months ending with today's, oldest first."""
    first = today.replace(day=1)
    return [add_months(first, -back) for back in range(months - 1, -1, -1)]


def _incoming():
    return (Payment.direction == Direction.INCOMING.value) & Payment.internal_transfer.is_(False)


# What the deposits did in a month (`_deposit_moves`), beside deposits.OFFSET and deposits.REFUND.
INVOICED, RECEIVED = "invoiced", "received"


def _deposit_moves(first, after):
    """(day, kind, amount) of the deposits between two days: their issued invoices by date
    (INVOICED), the money allocated to them by its date (RECEIVED), and the operations. The
    deposit invoices are found once (no index names them: one scan), for both."""
    invoices = select(Invoice.id, Invoice.date, Invoice.amount).where(
        Invoice.kind == billing.DEPOSIT, issuing.in_force(billing.INVOICE)).cte("deposit_invoice")
    invoiced = select(invoices.c.date.label("day"), literal(INVOICED).label("kind"), invoices.c.amount.label("amount")).where(
        invoices.c.date >= first, invoices.c.date < after)
    received = (select(Payment.date, literal(RECEIVED), Allocation.amount)
                .join(Allocation, Allocation.payment_id == Payment.id).join(invoices, invoices.c.id == Allocation.invoice_id)
                .where(_incoming(), Payment.date >= first, Payment.date < after))
    operations = select(DepositOperation.date, DepositOperation.kind, DepositOperation.amount).where(
        DepositOperation.date >= first, DepositOperation.date < after)
    moves = union_all(invoiced, received, operations).subquery()
    return moves.c.day, moves.c.kind, moves.c.amount


def revenue(session, today, months=MONTHS):
    """Per month of the last `months` (today's last): issued invoices but deposits by their date;
    incoming money (not transfers between our own accounts) but the deposits received, plus the
    offsets from deposits, by their date; and the deposits received, offset and refunded."""
    starts = month_starts(today, months)
    ends = [add_months(s, 1) for s in starts]
    # All issued invoices from the index alone, less the deposits' (summed with the deposits' months).
    invoiced = session.execute(select(*(
        _sum(Invoice.amount, (Invoice.date >= s) & (Invoice.date < e)) for s, e in zip(starts, ends)
    )).where(issuing.in_force(billing.INVOICE), Invoice.date >= starts[0], Invoice.date < ends[-1])).one()
    incoming = session.execute(select(*(
        _sum(Payment.amount, (Payment.date >= s) & (Payment.date < e)) for s, e in zip(starts, ends)
    )).where(_incoming(), Payment.date >= starts[0], Payment.date < ends[-1])).one()
    day, kind, amount = _deposit_moves(starts[0], ends[-1])
    kinds = (INVOICED, RECEIVED, deposits.OFFSET, deposits.REFUND)
    found = iter(kopecks(v) for v in session.execute(select(*(
        _sum(amount, (kind == k) & (day >= s) & (day < e)) for s, e in zip(starts, ends) for k in kinds
    ))).one())
    result = []
    for start, billed, money in zip(starts, invoiced, incoming):
        deposit_invoiced, received, offset, refunded = (next(found) for _ in kinds)
        result.append(Month(start, kopecks(billed) - deposit_invoiced, kopecks(money) - received + offset,
                            received, offset, refunded))
    return result


# --- the start page ---------------------------------------------------------------------

@dataclass
class Summary:
    day: date
    aging: Aging  # all unpaid invoices
    months: list  # Month, the last MONTHS
    unallocated: Decimal  # incoming money not yet allocated to invoices
    occupied: Decimal
    area: Decimal

    @property
    def this_month(self):
        return self.months[-1]

    @property
    def occupancy(self):
        return occupancy_share(self.occupied, self.area)


def summary(session, today):
    """The start page's money and occupancy in a few aggregate queries (the months: `revenue`'s)."""
    aging = Aging.of(session.execute(select(*_aging_columns(today)).where(_unpaid())).one())
    unallocated = session.scalar(select(_sum(Payment.amount - Payment.allocated_amount)).where(
        _incoming(), Payment.allocated_amount < Payment.amount))
    occupied, area = occupancy_totals(session, today)
    return Summary(today, aging, revenue(session, today), kopecks(unallocated), occupied, area)


# The reports by their name in URLs and the CLI (`report NAME`): name → the function of (session, today).
REPORTS = {"debtors": debtors, "vacancy": vacancy, "rent-roll": rent_roll, "revenue": revenue}
