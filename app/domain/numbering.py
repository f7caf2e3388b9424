"""Document numbers: each executor numbers its invoices and its acts in sequence with its
prefix (А-1, А-2, …). A VAT invoice takes its act's number.

The counter row is moved with one UPDATE … RETURNING, which holds the row lock until the
caller commits: concurrent issuers queue on it, so no number is issued twice, and a
rolled-back issue rolls its numbers back too, so none is skipped. A number that someone
already typed by hand on a document is passed over, so the counter never collides with it.
"""
from sqlalchemy import insert, select, update

from app import bulk
from app.models import Act, Counterparty, DocumentCounter, Invoice, VatInvoice

INVOICE, ACT = "invoice", "act"
# Where a number of each kind may already be in use.
_TAKEN_IN = {INVOICE: (Invoice,), ACT: (Act, VatInvoice)}


def _ensure_counter(session, executor_id, kind):
    exists = session.scalar(
        select(DocumentCounter.last_number).where(DocumentCounter.executor_id == executor_id, DocumentCounter.kind == kind)
    )
    if exists is None:
        dialect = session.get_bind().dialect.name
        stmt = insert(DocumentCounter).values(executor_id=executor_id, kind=kind, last_number=0)
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(DocumentCounter).values(executor_id=executor_id, kind=kind, last_number=0).on_conflict_do_nothing()
        elif dialect == "sqlite":
            stmt = stmt.prefix_with("OR IGNORE")
        session.execute(stmt)


def _advance(session, executor_id, kind, count):
    """Move the counter by `count`; returns the new last number."""
    return session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.executor_id == executor_id, DocumentCounter.kind == kind)
        .values(last_number=DocumentCounter.last_number + count)
        .returning(DocumentCounter.last_number)
    ).scalar_one()


def format_number(prefix, sequence):
    return f"{prefix or ''}{sequence}"


def _taken(session, executor_id, kind, numbers):
    taken = set()
    for model in _TAKEN_IN[kind]:
        taken.update(session.scalars(select(model.number).where(model.executor_id == executor_id, bulk.any_of(session, model.number, numbers))))
    return taken


def take(session, executor_id, kind, count):
    """`count` next document numbers of the executor and kind, in order, e.g. ["А-17", "А-18"]."""
    if count <= 0:
        return []
    prefix = session.scalar(select(Counterparty.doc_prefix).where(Counterparty.id == executor_id))
    _ensure_counter(session, executor_id, kind)
    numbers = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        last = _advance(session, executor_id, kind, wanted)
        candidates = [format_number(prefix, n) for n in range(last - wanted + 1, last + 1)]
        taken = _taken(session, executor_id, kind, candidates)
        numbers.extend(number for number in candidates if number not in taken)
    return numbers


def next_number(session, executor_id, kind):
    """The next document number with the executor's prefix, e.g. "А-17"."""
    return take(session, executor_id, kind, 1)[0]
