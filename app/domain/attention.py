"""Needs attention (SPEC §1.7): each rule once, as a SQL expression of "today".

A rule names its kind of row (contracts, invoices, acts, money), a stable key (used in
JSON and URLs), its Russian label (the reason shown beside a row) and its predicate. The
admin filter, the start page counts, the CLI, the REST endpoint and the tests all take
the rules from here; nothing else restates them.
"""
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import Integer, exists, func, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from app import bulk
from app.domain.enums import ACTIVE_CONTRACT, INACTIVE_CONTRACT, N_, ActStatus, ContractStatus, Direction, InvoiceStatus
from app.models import Act, Contract, Invoice, Payment

# Kinds of rows, in the order of SPEC §6 (JSON keys and `--kind` values).
KINDS = {"contracts": Contract, "invoices": Invoice, "acts": Act, "money": Payment}


class days_between(FunctionElement):
    """Whole days from `start` to `end` (`end - start`): date arithmetic differs per database."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({end} - {start})"  # PostgreSQL: date - date is an integer of days


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _unpaid_issued_invoice():
    # paid_amount is the sum of allocations, kept by app.domain.allocation: no subquery needed.
    return (Invoice.status == InvoiceStatus.ISSUED.value) & (Invoice.paid_amount < Invoice.amount)


def _contract_inactive(today):
    return Contract.status.in_(INACTIVE_CONTRACT)


def _contract_without_original(today):
    return Contract.status.in_(ACTIVE_CONTRACT) & ~Contract.has_original


def _contract_not_registered(today):
    # The SQL twin of app.domain.contracts.registration_required: end in force - start + 1 > 364.
    required = days_between(Contract.start_date, Contract.end_in_force) + 1 > 364
    return Contract.status.in_(ACTIVE_CONTRACT) & (Contract.status != ContractStatus.REGISTERED.value) & required


def _contract_overdue_debt(today):
    return exists().where(Invoice.contract_id == Contract.id, _unpaid_issued_invoice(), Invoice.due_date < today)


def _invoice_overdue(today):
    return _unpaid_issued_invoice() & (Invoice.due_date.is_(None) | (Invoice.due_date < today))


def _invoice_cancelled_with_payments(today):
    return (Invoice.status == InvoiceStatus.CANCELLED.value) & (Invoice.paid_amount > 0)


def _invoice_not_issued(today):
    return (Invoice.status == InvoiceStatus.PLANNED.value) & (Invoice.planned_date <= today)


def _act_on_signing(today):
    return Act.status == ActStatus.ON_SIGNING.value


def _act_not_issued(today):
    return (Act.status == ActStatus.PLANNED.value) & (Act.planned_date <= today)


def _payment_not_allocated(today):
    # A transfer between two of our own accounts pays no invoice: nothing to allocate.
    return ((Payment.direction == Direction.INCOMING.value) & (Payment.allocated_amount < Payment.amount)
            & Payment.internal_transfer.is_(False))


@dataclass(frozen=True)
class Rule:
    kind: str  # a key of KINDS
    key: str
    label: str  # Russian msgid: the reason shown beside the row
    predicate: Callable[[date], ColumnElement]

    @property
    def model(self):
        return KINDS[self.kind]


RULES = (
    Rule("contracts", "inactive", N_("Не активен: черновик, бронь или на подписании"), _contract_inactive),
    Rule("contracts", "without_original", N_("Активен без оригинала"), _contract_without_original),
    Rule("contracts", "not_registered", N_("Требует регистрации (дольше 364 дней)"), _contract_not_registered),
    Rule("contracts", "overdue_debt", N_("Просроченная задолженность"), _contract_overdue_debt),
    Rule("invoices", "overdue", N_("Не оплачен полностью, срок оплаты прошёл или не указан"), _invoice_overdue),
    Rule("invoices", "cancelled_with_payments", N_("Отменён, но есть оплаты"), _invoice_cancelled_with_payments),
    Rule("invoices", "not_issued", N_("Не выставлен, плановая дата наступила"), _invoice_not_issued),
    Rule("acts", "on_signing", N_("На подписании"), _act_on_signing),
    Rule("acts", "not_issued", N_("Не выставлен, плановая дата наступила"), _act_not_issued),
    Rule("money", "not_allocated", N_("Не разнесено"), _payment_not_allocated),
)


def kind_of(model):
    for kind, candidate in KINDS.items():
        if candidate is model:
            return kind
    raise KeyError(f"no attention rules for {model.__name__}")


def rules_for(kind):
    return [rule for rule in RULES if rule.kind == kind]


def rule(kind, key):
    for candidate in rules_for(kind):
        if candidate.key == key:
            return candidate
    raise KeyError(f"no attention rule {kind}.{key}")


def predicate(kind, today):
    """A row of this kind needs attention: any of its rules holds."""
    return or_(*(r.predicate(today) for r in rules_for(kind)))


@dataclass
class Counts:
    by_rule: dict  # kind -> rule key -> rows
    by_kind: dict  # kind -> rows needing attention, each counted once

    @property
    def total(self):
        return sum(self.by_kind.values())

    def as_json(self):
        return {**self.by_rule, "total": self.total}


def counts(session, today, kinds=tuple(KINDS)):
    """Rows per rule and per kind, in one round trip (a scalar subquery each). Each rule's count
    is an index-only scan of the partial index of the rows it can match; a kind whose rules each
    require a different status (they never match the same row) is counted as their sum, since
    counting the rows of any rule at once cannot be answered from one index."""
    columns = {}
    for kind in kinds:
        model = KINDS[kind]
        for r in rules_for(kind):
            columns[(kind, r.key)] = _count(model, r.predicate(today))
        if not _disjoint(kind, today):  # overlapping rules: the union of their ids, each read from its index
            columns[(kind, None)] = _count_any(model, [r.predicate(today) for r in rules_for(kind)])
    if not columns:
        return Counts({}, {})
    row = session.execute(select(*columns.values())).one()
    by_rule = {kind: {} for kind in kinds}
    by_kind = {}
    for (kind, key), value in zip(columns, row):
        if key is None:
            by_kind[kind] = value
        else:
            by_rule[kind][key] = value
    for kind in kinds:
        by_kind.setdefault(kind, sum(by_rule[kind].values()))
    return Counts(by_rule, by_kind)


def count(session, kind, today, rule_key=None):
    """Rows of one kind needing attention by the rule `rule_key` (None: by any rule, each row once),
    read from the partial indexes as `counts` reads them: an admin list filtered by «Требующие
    внимания» is counted so (its OR of the rules made PostgreSQL read every matching row)."""
    model = KINDS[kind]
    if rule_key is not None:
        return session.scalar(select(_count(model, rule(kind, rule_key).predicate(today))))
    wheres = [r.predicate(today) for r in rules_for(kind)]
    if _disjoint(kind, today):
        return sum(session.execute(select(*(_count(model, where) for where in wheres))).one())
    return session.scalar(select(_count_any(model, wheres)))


def _disjoint(kind, today):
    """No row can match two rules of this kind: one rule, or each requires its own status."""
    rules = rules_for(kind)
    if len(rules) == 1:
        return True
    statuses = [_required_status(r, today) for r in rules]
    return None not in statuses and len(set(statuses)) == len(statuses)


def _required_status(rule, today):
    """The X of a `status = X` among the top-level ANDs of the rule's predicate, or None."""
    status = rule.model.__table__.c.get("status")
    pending = [rule.predicate(today)] if status is not None else []
    while pending:
        clause = pending.pop()
        if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
            pending.extend(clause.clauses)
        elif (isinstance(clause, BinaryExpression) and clause.operator is operators.eq
              and clause.left.compare(status) and isinstance(clause.right, BindParameter)):
            return clause.right.value
    return None


def _count(model, where):
    return select(func.count()).select_from(model).where(where).scalar_subquery()


def _count_any(model, wheres):
    """Rows matching any of `wheres`, each once: a union of ids, each read from its rule's index
    (`predicate`'s OR made PostgreSQL read every row of the table)."""
    ids = union(*(select(model.id).where(where) for where in wheres)).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _flagged(session, kind, today, where):
    """(id, number, [labels]) of the rows matching `where`, one query: each rule is a column."""
    model, rules = KINDS[kind], rules_for(kind)
    query = select(model.id, model.number, *(r.predicate(today).label(r.key) for r in rules)).where(where).order_by(model.id)
    for row in session.execute(query):
        yield row[0], row[1], [r.label for r, hit in zip(rules, row[2:]) if hit]


def reasons(session, kind, ids, today):
    """{id: [labels]} for the given rows of one kind (a list page): one query, whatever the page size."""
    ids = list(ids)
    if not ids:
        return {}
    model = KINDS[kind]
    # One array parameter on PostgreSQL: the Excel export asks for 1,000 rows at a time.
    return {pk: labels for pk, _, labels in _flagged(session, kind, today, bulk.any_of(session, model.id, ids))}


def listing(session, today, kinds=tuple(KINDS)):
    """Every row needing attention: {kind: [{"id", "number", "reasons"}]} (SPEC §6, `attention list`)."""
    return {
        kind: [
            {"id": pk, "number": number, "reasons": labels}
            for pk, number, labels in _flagged(session, kind, today, predicate(kind, today))
        ]
        for kind in kinds
    }
