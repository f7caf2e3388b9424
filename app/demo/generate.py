"""`demo generate --contracts N`: synthetic data of any size, for benchmarks.

Each billed contract gets exactly what the schedule plans for its terms (`schedule.plan`
on an unsaved copy of the contract): documents due up to today are issued on their planned
dates, as the nightly job would have done, the rest stay planned. Rows go in with bulk Core
inserts (COPY on PostgreSQL) and ids assigned here (one `max(id)` per table), so N=20000 —
about two million documents with their lines — loads in a few minutes.
"""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from app.demo import data
from app.domain import changes, feeds, issuing, numbering, schedule
from app.domain.enums import (
    ACTIVE_CONTRACT,
    ActStatus,
    ContractStatus,
    Direction,
    PartyKind,
    PaymentSource,
    RoomKind,
    VatMode,
)
from app.domain.proration import add_months
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
BILLED = ACTIVE_CONTRACT + (ContractStatus.TERMINATED.value,)  # terminated ones were billed while they ran
TERMS = ("number", "date", "start_date", "end_date", "vat_mode", "vat_rate", "billing_period", "invoiced_period", "invoice_day",
         "payment_term_days")


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
    """Buffers rows per table and inserts them in chunks, parents before children (on
    PostgreSQL with COPY, several times faster than INSERT for millions of rows)."""

    ORDER = [Counterparty, Building, Floor, Room, Contract, ContractRoom, Invoice, InvoiceLine, Act, ActLine, VatInvoice, Payment, Allocation]

    def __init__(self, session):
        self.session = session
        self.rows = {model: [] for model in self.ORDER}
        self.copy = session.get_bind().dialect.name == "postgresql"

    def add(self, model, row):
        self.rows[model].append(row)
        if len(self.rows[model]) >= CHUNK:
            self.flush()

    def flush(self):
        for model in self.ORDER:
            if self.rows[model]:
                if self.copy:
                    self._copy(model.__table__, self.rows[model])
                else:
                    self.session.execute(insert(model), self.rows[model])
                self.rows[model] = []

    def _copy(self, table, rows):
        # COPY applies no Python-side defaults: fill them in for the columns a row leaves out.
        defaults = {c.name: c.default for c in table.columns if c.default is not None and (c.default.is_scalar or c.default.is_callable)}
        given = set().union(*rows)
        columns = [c.name for c in table.columns if c.name in given or c.name in defaults]
        cursor = self.session.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] if name in row else _default(defaults.get(name)) for name in columns])


def _default(default):
    if default is None:
        return None
    return default.arg if default.is_scalar else default.arg(None)


def generate(session, contracts, today, seed=1, all_active=False):
    """Insert `contracts` synthetic contracts with their schedules and payments. `all_active`:
    every contract signed or registered and running for months to come (the benchmark's month
    to issue). The caller commits."""
    rng = random.Random(seed)
    ids, out = _Ids(session), _Writer(session)
    now = today
    run = session.scalar(select(func.count(Building.id))) + 1
    executors = []
    vat_invoices_by = {}
    for n, (prefix, vat_invoices) in enumerate((("Г-", True), ("Д-", False))):  # the second issues no VAT invoices
        executor_id = ids.take(Counterparty)
        inn = data.numbered_org_inn(executor_id)  # ids are new each run: so are the INNs
        executors.append((executor_id, prefix, inn))
        vat_invoices_by[executor_id] = Counterparty(vat_invoices_enabled=vat_invoices)
        out.add(Counterparty, dict(id=executor_id, kind=PartyKind.LEGAL.value, name=f"ООО «Генератор {run}-{n + 1}»", inn=inn,
                                   kpp="770101001", is_executor=True, is_customer=False, doc_prefix=f"{run}{prefix}",
                                   default_vat_rate=Decimal("0.2"), vat_invoices_enabled=vat_invoices, created_at=now, updated_at=now))
    customers = []
    for i in range(max(1, contracts // 2)):
        customer_id = ids.take(Counterparty)
        inn = data.numbered_org_inn(customer_id)
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

    numbers = _Numbers(run, {executor_id: prefix for executor_id, prefix, _ in executors})
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    totals = {"invoices": 0, "acts": 0, "vat_invoices": 0, "payments": 0}
    for i in range(contracts):
        executor_id, prefix, executor_inn = executors[i % 2]
        customer_id, customer_inn = customers[i % len(customers)]
        if all_active:
            status = rng.choice(ACTIVE_CONTRACT)
        else:
            status = rng.choices(statuses, weights)[0]
        start = add_months(today.replace(day=1), -rng.randrange(3, 30))
        end = add_months(start, rng.choice((36, 60) if all_active else (11, 36, 36, 60))) - timedelta(days=1)
        room_id, area, rate = rooms[i]
        contract_id = ids.take(Contract)
        contract = dict(
            id=contract_id, number=f"Г{run}-{i + 1}", date=start - timedelta(days=7), executor_id=executor_id, customer_id=customer_id,
            status=status, start_date=start, end_date=end, end_in_force=end, has_original=rng.random() > 0.1, notify_days_before_end=30,
            autosend_documents=False, vat_mode=VatMode.ON_TOP.value, vat_rate=Decimal("0.2"), billing_period="calendar_month",
            invoiced_period="next", invoice_day=25, payment_term_days=5, link_key=f"g{run}x{contract_id}",
            created_at=now, updated_at=now,
        )
        out.add(Contract, contract)
        out.add(ContractRoom, dict(id=ids.take(ContractRoom), contract_id=contract_id, room_id=room_id, area=area, rate=rate))
        if status not in BILLED:
            continue
        # The schedule's own plan for these terms: what the nightly job issued up to today, and the rest planned.
        terms = Contract(**{key: contract[key] for key in TERMS})
        terms.rooms.append(ContractRoom(area=area, rate=rate))
        for draft in schedule.plan(terms, today):
            if draft.planned_date > today and status == ContractStatus.TERMINATED.value:
                continue
            due = schedule.due_date(terms, draft.planned_date) if draft.doc == schedule.INVOICE else None
            paid = due is not None and draft.planned_date <= today and due < today and rng.random() > 0.1
            document_id = _document(out, ids, terms, contract, vat_invoices_by[executor_id], draft, today, numbers, totals, paid)
            if paid:
                _payment(out, ids, run, document_id, draft.amount, due, customer_inn, executor_inn)
                totals["payments"] += 1
    out.flush()
    for (executor_id, kind), last in numbers.last.items():
        session.execute(insert(DocumentCounter).values(executor_id=executor_id, kind=kind, last_number=last))
    _sync_sequences(session, ids)
    changes.mark(session, feeds.TOPIC)  # buildings, rooms and contracts written past the ORM's flush
    return {"contracts": contracts, **totals, "documents": totals["invoices"] + totals["acts"] + totals["vat_invoices"]}


class _Numbers:
    """Document numbers per executor and kind, as app.domain.numbering would give them."""

    def __init__(self, run, prefixes):
        self.run, self.prefixes, self.last = run, prefixes, {}

    def take(self, executor_id, kind):
        self.last[(executor_id, kind)] = self.last.get((executor_id, kind), 0) + 1
        return numbering.format_number(f"{self.run}{self.prefixes[executor_id]}", self.last[(executor_id, kind)])


def _document(out, ids, terms, contract, executor, draft, today, numbers, totals, paid=False):
    """One scheduled document with its lines: issued (on its planned date) when due, else planned;
    a paid invoice carries its paid sum (the allocation is written beside it); an issued act gets its
    VAT invoice by issuing's rule (app.domain.issuing.gets_vat_invoice)."""
    doc = draft.doc
    model, line_model, parent = (Invoice, InvoiceLine, "invoice_id") if doc == schedule.INVOICE else (Act, ActLine, "act_id")
    document_id = ids.take(model)
    row = dict(
        id=document_id, contract_id=contract["id"], executor_id=contract["executor_id"], customer_id=contract["customer_id"],
        kind=draft.kind, status=schedule.PLANNED[doc], period_start=draft.period_start, period_end=draft.period_end,
        planned_date=draft.planned_date, amount=draft.amount, vat_amount=draft.vat_amount, created_at=today, updated_at=today,
    )
    issued = draft.planned_date <= today
    if issued:
        row.update(number=numbers.take(contract["executor_id"], doc), date=draft.planned_date, status=schedule.ISSUED[doc])
    if doc == schedule.INVOICE:
        row.update(due_date=schedule.due_date(terms, draft.planned_date), paid_amount=draft.amount if paid else Decimal("0"))
        totals["invoices"] += 1
    else:
        totals["acts"] += 1
        if issued and draft.planned_date < today - timedelta(days=31):
            row["status"] = ActStatus.SIGNED.value
    out.add(model, row)
    for position, line in enumerate(draft.lines, 1):
        out.add(line_model, dict(vars(line), id=ids.take(line_model), position=position, **{parent: document_id}))
    if issued and issuing.gets_vat_invoice(doc, executor):
        out.add(VatInvoice, dict(id=ids.take(VatInvoice), **issuing.vat_invoice_values(
            document_id, row["executor_id"], row["customer_id"], row["number"], row["date"], row["amount"], row["vat_amount"], today,
        )))
        totals["vat_invoices"] += 1
    return document_id


def _payment(out, ids, run, invoice_id, amount, day, customer_inn, executor_inn):
    """A payment of the whole invoice on its due date, allocated to it."""
    payment_id = ids.take(Payment)
    out.add(Payment, dict(id=payment_id, direction=Direction.INCOMING.value, date=day, number=str(invoice_id), amount=amount,
                          payer_name="Арендатор", payer_inn=customer_inn, recipient_name="Арендодатель", recipient_inn=executor_inn,
                          purpose=f"Оплата по счёту {invoice_id}", source=PaymentSource.BANK_STATEMENT.value,
                          dedupe_key=f"gen:{run}:{payment_id}", payer_is_bank=False, allocated_amount=amount, created_at=day, updated_at=day))
    out.add(Allocation, dict(id=ids.take(Allocation), payment_id=payment_id, invoice_id=invoice_id, amount=amount, created_at=day,
                             automatic=True))


def _sync_sequences(session, ids):
    """PostgreSQL: move each id sequence past the ids assigned here."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in ids.next:
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
