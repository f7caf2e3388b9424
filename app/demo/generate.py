"""`demo generate --contracts N`: synthetic data of any size, for benchmarks.

Rows go in with bulk Core inserts and ids assigned here (one `max(id)` per table), so
N=20000 — about half a million documents — loads in a few minutes on PostgreSQL.
"""
import random
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select, text

from app.demo import data
from app.domain.enums import (
    ActStatus,
    ContractStatus,
    Direction,
    InvoiceStatus,
    PartyKind,
    PaymentSource,
    RoomKind,
    VatMode,
)
from app.domain.vat import with_vat
from app.models import (
    Act,
    ActLine,
    Allocation,
    Building,
    Contract,
    ContractRoom,
    Counterparty,
    DocumentCounter,
    Floor,
    Invoice,
    InvoiceLine,
    Payment,
    Room,
    VatInvoice,
)

CHUNK = 5000
ROOMS_PER_FLOOR = 20
# Status mix of generated contracts (weights): mostly active, every other status present.
STATUS_WEIGHTS = [
    (ContractStatus.SIGNED.value, 70), (ContractStatus.REGISTERED.value, 15), (ContractStatus.DRAFT.value, 3),
    (ContractStatus.BOOKED.value, 2), (ContractStatus.ON_SIGNING.value, 3), (ContractStatus.CANCELLED.value, 3),
    (ContractStatus.TERMINATED.value, 4),
]


class _Ids:
    """Hands out primary keys above what each table already holds."""

    def __init__(self, session):
        self.session = session
        self.next = {}

    def take(self, model):
        if model not in self.next:
            self.next[model] = (self.session.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[model]
        self.next[model] = value + 1
        return value


class _Writer:
    """Buffers rows per table and inserts them in chunks, parents before children."""

    ORDER = [Counterparty, Building, Floor, Room, Contract, ContractRoom, Invoice, InvoiceLine, Act, ActLine, VatInvoice, Payment, Allocation]

    def __init__(self, session):
        self.session = session
        self.rows = {model: [] for model in self.ORDER}
        self.counts = {model: 0 for model in self.ORDER}

    def add(self, model, row):
        self.rows[model].append(row)
        if len(self.rows[model]) >= CHUNK:
            self.flush()

    def flush(self):
        for model in self.ORDER:
            if self.rows[model]:
                self.session.execute(insert(model), self.rows[model])
                self.counts[model] += len(self.rows[model])
                self.rows[model] = []


def generate(session, contracts, today, seed=1):
    """Insert `contracts` synthetic contracts with a year of documents and payments. The caller commits."""
    rng = random.Random(seed)
    ids, out = _Ids(session), _Writer(session)
    now = today
    run = session.scalar(select(func.count(Building.id))) + 1
    executors = []
    for n, prefix in enumerate(("Г-", "Д-")):
        executor_id = ids.take(Counterparty)
        inn = data.org_inn(rng)
        executors.append((executor_id, prefix, inn))
        out.add(Counterparty, dict(id=executor_id, kind=PartyKind.LEGAL.value, name=f"ООО «Генератор {run}-{n + 1}»", inn=inn,
                                   kpp="770101001", is_executor=True, is_customer=False, doc_prefix=f"{run}{prefix}",
                                   default_vat_rate=Decimal("0.2"), vat_invoices_enabled=True, created_at=now, updated_at=now))
    customers = []
    for i in range(max(1, contracts // 2)):
        customer_id = ids.take(Counterparty)
        inn = data.org_inn(rng)
        customers.append((customer_id, inn))
        out.add(Counterparty, dict(id=customer_id, kind=PartyKind.LEGAL.value, name=f"{data.company_name(rng, i)} №{i + 1}", inn=inn,
                                   kpp="771001001", is_executor=False, is_customer=True, default_vat_rate=Decimal("0.2"),
                                   vat_invoices_enabled=True, created_at=now, updated_at=now))
    building_id = ids.take(Building)
    out.add(Building, dict(id=building_id, name=f"Генератор: комплекс {run}", address="г. Москва", floors_count=contracts // ROOMS_PER_FLOOR + 1))
    rooms, floor_id = [], None
    for i in range(contracts):
        if i % ROOMS_PER_FLOOR == 0:
            floor_id = ids.take(Floor)
            out.add(Floor, dict(id=floor_id, building_id=building_id, number=i // ROOMS_PER_FLOOR + 1, in_feed=True, feed_mode="per_room"))
        room_id, area, rate = ids.take(Room), Decimal(rng.randrange(20, 400)), Decimal(rng.randrange(6000, 30000, 500))
        rooms.append((room_id, area, rate))
        out.add(Room, dict(id=room_id, floor_id=floor_id, number=str(i + 1), kind=RoomKind.OFFICE.value, area=area, rent_rate=rate))

    sequences = {(executor_id, kind): 0 for executor_id, _, _ in executors for kind in ("invoice", "act")}
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    totals = {"invoices": 0, "acts": 0, "vat_invoices": 0, "payments": 0}
    for i in range(contracts):
        executor_id, prefix, executor_inn = executors[i % 2]
        customer_id, customer_inn = customers[i % len(customers)]
        status = rng.choices(statuses, weights)[0]
        start = today.replace(day=1) - relativedelta(months=rng.randrange(3, 30))
        end = start + relativedelta(months=rng.choice((11, 36, 36, 60))) - timedelta(days=1)
        room_id, area, rate = rooms[i]
        rent = (area * rate / 12).quantize(Decimal("0.01"))
        contract_id = ids.take(Contract)
        out.add(Contract, dict(
            id=contract_id, number=f"Г{run}-{i + 1}", date=start - timedelta(days=7), executor_id=executor_id, customer_id=customer_id,
            status=status, start_date=start, end_date=end, has_original=rng.random() > 0.1, notify_days_before_end=30,
            autosend_documents=False, vat_mode=VatMode.ON_TOP.value, vat_rate=Decimal("0.2"), billing_period="calendar_month",
            invoiced_period="next", invoice_day=25, payment_term_days=5, link_key=f"g{run}x{contract_id}",
            created_at=now, updated_at=now,
        ))
        out.add(ContractRoom, dict(id=ids.take(ContractRoom), contract_id=contract_id, room_id=room_id, area=area, rate=rate))
        if status not in (ContractStatus.SIGNED.value, ContractStatus.REGISTERED.value, ContractStatus.TERMINATED.value):
            continue
        month = max(start, today.replace(day=1) - relativedelta(months=11))
        while month <= min(today.replace(day=1), end):
            period_end = month + relativedelta(months=1) - timedelta(days=1)
            total, vat = with_vat(rent, VatMode.ON_TOP.value, Decimal("0.2"))
            issue = month - relativedelta(months=1) + timedelta(days=24)
            base = dict(contract_id=contract_id, executor_id=executor_id, customer_id=customer_id, kind="rent",
                        period_start=month, period_end=period_end, amount=total, vat_amount=vat, created_at=now, updated_at=now)
            line = dict(position=1, name=f"Арендная плата за {month:%m.%Y}", period_start=month, period_end=period_end,
                        amount=total, vat_amount=vat)
            invoice_id = ids.take(Invoice)
            if issue <= today:
                sequences[(executor_id, "invoice")] += 1
                due = issue + timedelta(days=5)
                paid = due < today and rng.random() > 0.1
                out.add(Invoice, dict(base, id=invoice_id, number=f"{run}{prefix}{sequences[(executor_id, 'invoice')]}", date=issue,
                                      planned_date=issue, due_date=due, status=InvoiceStatus.ISSUED.value,
                                      paid_amount=total if paid else Decimal("0")))
                if paid:
                    payment_id = ids.take(Payment)
                    out.add(Payment, dict(id=payment_id, direction=Direction.INCOMING.value, date=due, number=str(invoice_id),
                                          amount=total, payer_name="Арендатор", payer_inn=customer_inn, recipient_name="Арендодатель",
                                          recipient_inn=executor_inn, purpose=f"Оплата по счёту {invoice_id}",
                                          source=PaymentSource.BANK_STATEMENT.value, dedupe_key=f"gen:{run}:{payment_id}",
                                          payer_is_bank=False, allocated_amount=total, created_at=now, updated_at=now))
                    out.add(Allocation, dict(id=ids.take(Allocation), payment_id=payment_id, invoice_id=invoice_id, amount=total,
                                             created_at=now, automatic=True))
                    totals["payments"] += 1
            else:
                out.add(Invoice, dict(base, id=invoice_id, planned_date=issue, due_date=issue + timedelta(days=5),
                                      status=InvoiceStatus.PLANNED.value, paid_amount=Decimal("0")))
            out.add(InvoiceLine, dict(line, id=ids.take(InvoiceLine), invoice_id=invoice_id))
            totals["invoices"] += 1
            act_id = ids.take(Act)
            if period_end < today:
                sequences[(executor_id, "act")] += 1
                number = f"{run}{prefix}{sequences[(executor_id, 'act')]}"
                out.add(Act, dict(base, id=act_id, number=number, date=period_end, planned_date=period_end,
                                  status=ActStatus.SIGNED.value))
                out.add(VatInvoice, dict(id=ids.take(VatInvoice), act_id=act_id, executor_id=executor_id, customer_id=customer_id,
                                         number=number, date=period_end, amount=total, vat_amount=vat, status="issued",
                                         created_at=now, updated_at=now))
                totals["vat_invoices"] += 1
            else:
                out.add(Act, dict(base, id=act_id, planned_date=period_end, status=ActStatus.PLANNED.value))
            out.add(ActLine, dict(line, id=ids.take(ActLine), act_id=act_id))
            totals["acts"] += 1
            month += relativedelta(months=1)
    out.flush()
    for (executor_id, kind), last in sequences.items():
        session.execute(insert(DocumentCounter).values(executor_id=executor_id, kind=kind, last_number=last))
    _sync_sequences(session, ids)
    return {"contracts": contracts, **totals, "documents": totals["invoices"] + totals["acts"] + totals["vat_invoices"]}


def _sync_sequences(session, ids):
    """PostgreSQL: move each id sequence past the ids assigned here."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in ids.next:
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
