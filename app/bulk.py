"""Reading and writing many rows at once, for imports, in the caller's transaction.

PostgreSQL gets one statement where it can (`= ANY(array)`, `unnest`, COPY); other databases
(SQLite) get chunked IN lists and executemany. Each helper hides only that difference.
"""
from array import array
from itertools import pairwise

import psycopg
from sqlalchemy import String, any_, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

CHUNK = 10000  # values per IN (...) list: below SQLite's limit of bound parameters
WRITTEN = "arenda.bulk_written"  # session.info: {what: [ids or keys]} written in bulk in this transaction


def announce(session, what, ids):
    """Record that rows were written in bulk, past the ORM's flush, so that whoever watches the
    session's commit (the outgoing webhooks, app.notify.webhooks; the audit log's batch entries,
    app.hooks.audit) sees them: `what` names them ("invoice", "act", "vat_invoice", "payment",
    "allocation"), `ids` identify them. Forgotten at the commit or
    rollback by the watcher; a writer below app.notify tells it this way without importing it."""
    ids = list(ids)
    if ids:
        session.info.setdefault(WRITTEN, {}).setdefault(what, []).extend(ids)


def _postgres(session):
    return session.get_bind().dialect.name == "postgresql"


def where_in(session, column, values):
    """Clauses meaning `column IN values`, one per CHUNK values (`any_of`: one array parameter each
    on PostgreSQL). Chunks on PostgreSQL too: the engine's cache of compiled statements keeps the
    first statement of each form, its values with it, for the life of the process. An `array`
    already ascending without repeats (the nightly job's ids) is used as it is, not copied into a
    sorted set."""
    if not (isinstance(values, array) and all(a < b for a, b in pairwise(values))):
        values = sorted(set(values))
    return [any_of(session, column, values[start:start + CHUNK]) for start in range(0, len(values), CHUNK)]


def any_of(session, column, values):
    """`column IN values` as one clause, for at most CHUNK values. On PostgreSQL one array
    parameter: the statement's text stays the same whatever the values, where an IN list is
    rendered, and parsed by the driver, anew for each value (seconds for the nightly job)."""
    values = list(values)
    if _postgres(session):
        item = String() if values and isinstance(values[0], str) else column.type
        return column == any_(bindparam(None, values, type_=ARRAY(item)))
    return column.in_(values)


def refresh_statistics(session):
    """Bring the query planner's statistics up to date after many rows were written; whether it did.
    SQLite keeps none until told: without them it reads a contract's invoice sums through the status
    index, every issued invoice, instead of the contract's (20 ms against 0.1 ms a query at 62,000
    invoices; a contract card makes two). `analysis_limit` samples each index instead of reading it
    whole. PostgreSQL's autovacuum keeps its own."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    session.execute(text("PRAGMA analysis_limit=1000"))
    session.execute(text("ANALYZE"))
    return True


def reserve_ids(session, table, count):
    """`count` new primary keys for `table`, in order."""
    if not count:
        return []
    if _postgres(session):
        query = text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)")
        return list(session.scalars(query, {"n": count}))
    # SQLite: the import already holds the database's write lock, so nobody else takes these.
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def insert_rows(session, table, rows):
    """Insert `rows` (dicts with the same keys, the column names) into `table`."""
    if not rows:
        return
    if _postgres(session):
        columns = list(rows[0])
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        cursor = session.connection().connection.driver_connection.cursor()
        try:
            with cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[column] for column in columns])
        except psycopg.IntegrityError as error:  # as SQLAlchemy would raise it for an INSERT
            raise IntegrityError(statement, None, error) from error
        return
    session.execute(insert(table), rows)


def add_to(session, table, column, deltas):
    """`column += delta` for each {id: delta}."""
    if not deltas:
        return
    if _postgres(session):
        session.execute(text(
            f"UPDATE {table.name} SET {column} = {table.name}.{column} + v.delta "
            f"FROM unnest(CAST(:ids AS integer[]), CAST(:deltas AS numeric[])) AS v(id, delta) WHERE {table.name}.id = v.id"
        ), {"ids": list(deltas), "deltas": list(deltas.values())})
        return
    target = table.c[column]
    statement = update(table).where(table.c.id == bindparam("pk")).values({column: target + bindparam("delta", type_=target.type)})
    session.execute(statement, [{"pk": pk, "delta": delta} for pk, delta in deltas.items()])
