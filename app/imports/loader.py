"""Loading a file of money operations: the import record, each operation's direction, duplicates
skipped, card payments flagged, and auto-allocation — inside the caller's one transaction, so that
a file imports wholly or not at all (the caller commits, or rolls back and `record_failure`s).

Ours: every operation must be one of our accounts' — the account whose statement it is in (or, where
the file does not say, the payer's or the recipient's) is one of our executors' BankAccounts; a stranger's
statement is refused, naming the account. Both sides ours: an internal transfer (never allocated).
Direction: incoming when the recipient is one of our executors and the payer is not, outgoing the
other way round — by bank account, and where accounts do not tell, by INN; where neither tells
(both sides or neither are ours), what the file itself says (statement account, 1C document type).
Duplicates: every operation gets a key (`dedupe_key`), unique in the database, so re-importing a
statement, or one that overlaps it, adds nothing.
"""
import hashlib
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import bulk
from app.domain import allocation, card_payments, matching, settings
from app.domain.enums import N_, Direction, PaymentSource
from app.errors import ImportFailed
from app.imports import client_bank, v8_xml
from app.imports.operation import failure
from app.imports.read_ahead import read_ahead
from app.models import BankAccount, Counterparty, ImportBatch, Payment
from app.pacing import paced
from app.timeutil import utcnow

CHUNK = 2000
CLIENT_BANK, V8_XML = "client-bank", "v8-xml"
# The operations of a file in batches of at most CHUNK, iterable twice: a statement is read a batch at a
# time (it may be hundreds of MB); a 1C XML file is parsed whole (lxml holds its tree anyway).
FORMATS = {
    CLIENT_BANK: (lambda data, today: client_bank.Batches(data, today, CHUNK), PaymentSource.BANK_STATEMENT.value),
    V8_XML: (lambda data, today: [v8_xml.parse(data, today)], PaymentSource.V8_XML.value),
}
SIZE_SETTING = "money.import_max_mb"
DEFAULT_MAX_MB = 50
SIDES_KEPT = 5000  # parties whose columns are kept for reuse during one import
REASONS_KEPT = 1000  # per import, in its report: why operations stayed not allocated (the first ones)
INCOMING, OUTGOING = Direction.INCOMING.value, Direction.OUTGOING.value
ZERO = Decimal("0.00")
_LENGTHS = {column.name: column.type.length for column in Payment.__table__.columns if getattr(column.type, "length", None)}


def detect(data):
    """`client-bank` or `v8-xml` from the first bytes."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(client_bank.SIGNATURE):
        return CLIENT_BANK
    if head.startswith(b"<"):
        return V8_XML
    raise ImportFailed(N_("Формат файла не распознан: ожидалась выписка 1С (первая строка «1CClientBankExchange») "
                          "или выгрузка 1С «Выгрузка и загрузка данных XML»."))


def max_bytes(session):
    """The size limit of an import file: setting `money.import_max_mb` (megabytes), 50 by default."""
    saved = settings.get(session, SIZE_SETTING)
    try:
        megabytes = float(saved) if saved is not None else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def check_size(session, size):
    limit = max_bytes(session)
    if size > limit:
        raise ImportFailed(N_("Файл больше допустимого размера (%(limit)s МБ, настройка %(key)s).")
                           % {"limit": round(limit / 1024 / 1024, 1), "key": SIZE_SETTING})


def import_file(session, data, fmt="auto", *, today, filename=None, user_id=None):
    """Parse and load one file; its ImportBatch. A bad file raises ImportFailed: the caller rolls back.
    `today` (the door's `app.timeutil.today()`) bounds the operations' dates."""
    check_size(session, len(data))
    if not data or data.isspace():  # (data.strip() would copy a file of hundreds of MB)
        raise ImportFailed(N_("Файл пуст."))
    fmt = detect(data) if fmt == "auto" else fmt
    batches, source = FORMATS[fmt]
    return load(session, batches(data, today), source, fmt, filename=filename, sha256=hashlib.sha256(data).hexdigest(),
                user_id=user_id)


def record_failure(session, error, fmt, filename=None, data=b"", user_id=None):
    """After the caller rolled a refused import back: the record of the attempt and its error."""
    batch = ImportBatch(filename=filename, format=fmt if fmt in FORMATS else "auto", created_by_id=user_id,
                        sha256=hashlib.sha256(data).hexdigest(), report=json.dumps({"errors": [str(error)]}, ensure_ascii=False))
    session.add(batch)
    session.flush()
    return batch


def dedupe_key(source, operation, direction):
    """The operation's identity: its 1C Ref where it has one, else what a bank never repeats for two
    operations (date, number, amount, both sides' accounts and INNs, purpose) plus the direction, so that
    a transfer between two of our accounts is one operation in each statement."""
    if operation.identity:
        basis = f"{source}|{operation.identity}"
    else:
        payer, recipient = operation.payer, operation.recipient
        basis = "|".join((direction, operation.date.isoformat(), operation.number, str(operation.amount), payer.account,
                          recipient.account, payer.inn, recipient.inn, operation.purpose))
    return hashlib.sha256(basis.encode()).hexdigest()


def _keyed(ours, source, operation):
    """(direction, dedupe key) of an operation; ImportFailed for a stranger's account."""
    direction = ours.direction(operation)
    return direction, dedupe_key(source, operation, direction)


class _Ours:
    """Our executors' accounts and INNs."""

    def __init__(self, session):
        executor = Counterparty.is_executor.is_(True)
        self.accounts = set(session.scalars(select(BankAccount.account).join(BankAccount.counterparty).where(executor)))
        self.inns = set(session.scalars(select(Counterparty.inn).where(executor)))
        self.accounts.discard("")
        self.inns.discard("")
        self.inns.discard(None)

    def check(self, operation):
        """Refuse an operation of a stranger's account: the statement's own account, where the file says which,
        else at least one side's, must be one of our executors' (cash orders name no account)."""
        payer, recipient = operation.payer.account, operation.recipient.account
        if operation.accounts:
            for account in operation.accounts:
                if account not in self.accounts:
                    raise failure(operation.line, N_(
                        "%(what)s %(account)s не принадлежит ни одному из наших исполнителей: загрузите выписку своего "
                        "счёта или добавьте этот счёт в карточку исполнителя (Контрагенты → Банковские счета).") % {
                        "what": operation.accounts_where or N_("счёт выписки"), "account": account})
        elif (payer or recipient) and payer not in self.accounts and recipient not in self.accounts:
            raise failure(operation.line, N_(
                "ни счёт плательщика %(payer)s, ни счёт получателя %(recipient)s не принадлежат нашим исполнителям: "
                "это операция чужого счёта. Добавьте свой счёт в карточку исполнителя (Контрагенты → Банковские "
                "счета).") % {"payer": payer or "—", "recipient": recipient or "—"})

    def internal(self, operation):
        """Both sides are accounts of our executors: a transfer between our own accounts."""
        return operation.payer.account in self.accounts and operation.recipient.account in self.accounts

    def direction(self, operation):
        self.check(operation)
        to_us, from_us = operation.recipient.account in self.accounts, operation.payer.account in self.accounts
        if to_us == from_us:
            to_us, from_us = operation.recipient.inn in self.inns, operation.payer.inn in self.inns
        if to_us != from_us:
            return INCOMING if to_us else OUTGOING
        if operation.direction is None:
            raise failure(operation.line, N_("не понять, поступление это или списание: ни счёт, ни ИНН плательщика или "
                                             "получателя не принадлежат одному из наших исполнителей, и файл не говорит "
                                             "этого сам. Заведите счёт исполнителя в карточке контрагента."))
        return operation.direction


def _clip(value, column):
    length = _LENGTHS[column]
    return value[:length] if value and len(value) > length else value


class _Rows:
    """Payment rows from operations; each side's columns are built once per party (parsers share them)."""

    def __init__(self, source, batch_id, recogniser):
        self.common = dict(source=source, batch_id=batch_id, payer_is_bank=False, comment=None, allocated_amount=ZERO)
        self.recogniser = recogniser
        self.sides = {}  # (id(Side), prefix) -> (the Side, kept alive so that its id stays its own; its columns)

    def side(self, side, prefix):
        found = self.sides.get((id(side), prefix))
        if found is None:
            if len(self.sides) >= SIDES_KEPT:
                self.sides.clear()
            values = dict(name=side.name, inn=side.inn, kpp=side.kpp, account=side.account, bik=side.bik, bank=side.bank)
            found = self.sides[(id(side), prefix)] = (side, {f"{prefix}_{k}": _clip(v, f"{prefix}_{k}") for k, v in values.items()})
        return found[1]

    def row(self, operation, direction, key, internal):
        payer = operation.payer
        row = dict(self.common, **self.side(payer, "payer"), **self.side(operation.recipient, "recipient"),
                   direction=direction, date=operation.date, number=_clip(operation.number, "number"),
                   amount=operation.amount, purpose=operation.purpose, dedupe_key=key, internal_transfer=internal)
        if direction == INCOMING and not internal and self.recogniser.is_bank(payer.inn, payer.account):
            row["payer_is_bank"] = True
            name, bank = self.recogniser.person(payer.inn, operation.purpose)
            if name:
                row["payer_name"] = _clip(name, "payer_name")
                row["comment"] = (N_("Плательщик прочитан из назначения платежа по правилу «%(bank)s»; в выписке: "
                                     "%(name)s, ИНН %(inn)s.") % {"bank": bank, "name": payer.name, "inn": payer.inn or "—"})
        return row


def _existing_keys(session, keys):
    found = set()
    for clause in bulk.where_in(session, Payment.dedupe_key, keys):
        found.update(session.scalars(select(Payment.dedupe_key).where(clause)))
    return found


def _matched(session, paying, reasons):
    """The auto-allocations (payment id, invoice id, amount) of one batch's incoming operations `paying`, (line, row)
    pairs in file order; why the others stay not allocated goes to `reasons` (the first REASONS_KEPT of the file).
    The open invoices are those of the batch's payers and amounts only, read anew per batch: the batches before
    wrote their invoices' paid sums, and an invoice paid at all is no longer open, so this allocates as one reading
    for the whole file would, in the memory and time of one batch."""
    matched = [row for _, row in paying if not row["payer_is_bank"]]
    auto = matching.AutoAllocation(session, {row["payer_inn"] for row in matched}, {row["amount"] for row in matched})
    items = []
    for line, row in paying:
        invoice_id, reason = (None, matching.PAYER_IS_BANK) if row["payer_is_bank"] else auto.match(
            row["payer_inn"], row["payer_kpp"], row["recipient_inn"], row["recipient_kpp"], row["amount"], row["purpose"])
        if invoice_id is not None:
            items.append((row["id"], invoice_id, row["amount"]))
        elif len(reasons) < REASONS_KEPT:
            reasons.append({"payment": row["id"], "line": line, "reason": reason})
    return items


def _new_rows(batches, fresh, ours, source, build):
    """Per batch of the file: its new operations as (operation, direction, key), and their rows. Each
    one's direction and key are made again: cheaper than keeping those of a whole file."""
    at = 0
    for operations in batches:
        chunk = [(operation, *_keyed(ours, source, operation)) for n, operation in enumerate(operations, at) if fresh[n]]
        at += len(operations)
        yield chunk, [build.row(operation, direction, key, ours.internal(operation)) for operation, direction, key in chunk]


def load(session, batches, source, fmt, filename=None, sha256=None, user_id=None):
    """Store the operations of one file — `batches`, lists of them in file order, iterated twice — as one
    ImportBatch; returns it. Nothing is committed here. The first pass refuses what cannot be stored (the
    first bad operation in the file first) and tells the new operations from those stored before or
    repeated in the file; only then the second stores the new ones, a batch at a time, so that a big
    file takes the memory of one batch."""
    ours, recogniser = _Ours(session), card_payments.Recogniser(card_payments.load(session))
    batch = ImportBatch(filename=filename, format=fmt, sha256=sha256, created_by_id=user_id)
    session.add(batch)
    session.flush()
    fresh, seen = bytearray(), set()  # fresh[n]: the file's n-th operation is new
    for keys in paced(read_ahead([_keyed(ours, source, operation)[1] for operation in operations] for operations in batches)):
        stored = _existing_keys(session, keys)
        for key in keys:
            new = key not in stored and key not in seen
            if new:
                seen.add(key)
            fresh.append(new)
    operations_count = len(fresh)
    del seen
    build = _Rows(source, batch.id, recogniser)
    reasons, incoming, transfers, allocated, card_payments_count, imported = [], 0, 0, 0, 0, fresh.count(1)
    ids, now = iter(bulk.reserve_ids(session, Payment.__table__, imported)), utcnow()
    # nothing new: the file is not read again
    for chunk, rows in paced(read_ahead(_new_rows(batches, fresh, ours, source, build))) if imported else ():
        paying = []  # (line, row) of the batch's incoming money from outside
        for (operation, direction, _), row in zip(chunk, rows):
            row.update(id=next(ids), created_at=now, updated_at=now)
            transfers += row["internal_transfer"]
            if direction == INCOMING and not row["internal_transfer"]:  # a transfer between our accounts pays no invoice
                paying.append((operation.line, row))
                card_payments_count += row["payer_is_bank"]
        if not rows:
            continue
        incoming += len(paying)
        # The operations go in with their allocated sums already set, then their allocations.
        planned = allocation.plan(session, _matched(session, paying, reasons), user_id=user_id, automatic=True,
                                  unsaved={row["id"]: row for row in rows})
        try:
            bulk.insert_rows(session, Payment.__table__, rows)
        except IntegrityError:  # the same operations stored meanwhile by a concurrent import (a double click)
            raise ImportFailed(N_("Эти операции только что загружены другим импортом; повторите загрузку, "
                                  "уже загруженное добавлено не будет.")) from None
        bulk.announce(session, "payment", [row["id"] for row in rows])  # for the outgoing webhooks, at commit
        allocated += allocation.write(session, planned)

    batch.imported, batch.duplicates = imported, operations_count - imported
    batch.allocated, batch.not_allocated = allocated, incoming - allocated
    batch.report = json.dumps({
        "operations": operations_count, "incoming": incoming, "outgoing": imported - incoming - transfers,
        "internal_transfers": transfers,
        "card_payments": card_payments_count, "errors": [], "not_allocated": reasons,
    }, ensure_ascii=False)
    session.flush()
    return batch


def summary(batch):
    """The four numbers of SPEC §6 (`money import`)."""
    return {"imported": batch.imported, "duplicates": batch.duplicates, "allocated": batch.allocated,
            "not_allocated": batch.not_allocated}
