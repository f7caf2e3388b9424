"""Document numbers: each executor numbers its invoices and its acts in sequence with its
prefix (А-1, А-2, …). A VAT invoice takes its act's number.

The counter row is incremented with one UPDATE … RETURNING, which holds the row lock until
the caller commits: concurrent issuers queue on it, so no number is issued twice, and a
rolled-back issue rolls its number back too, so none is skipped.
"""
from sqlalchemy import insert, select, update

from app.models import Counterparty, DocumentCounter

INVOICE, ACT = "invoice", "act"


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


def next_sequence(session, executor_id, kind):
    """The next sequence number for the executor and kind (1, 2, …)."""
    _ensure_counter(session, executor_id, kind)
    return session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.executor_id == executor_id, DocumentCounter.kind == kind)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
    ).scalar_one()


def format_number(prefix, sequence):
    return f"{prefix or ''}{sequence}"


def next_number(session, executor_id, kind):
    """The next document number with the executor's prefix, e.g. "А-17"."""
    prefix = session.scalar(select(Counterparty.doc_prefix).where(Counterparty.id == executor_id))
    return format_number(prefix, next_sequence(session, executor_id, kind))
