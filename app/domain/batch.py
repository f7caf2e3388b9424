"""One change applied to many rows (the lists' bulk actions): each row in its own savepoint, so
a row the rules refuse is left exactly as it was and counted by its reason, while the others
are done — never a row half-changed."""
from collections import Counter
from dataclasses import dataclass, field

from app.errors import DomainError


@dataclass
class Outcome:
    done: list = field(default_factory=list)  # the rows changed, in the order given
    refused: Counter = field(default_factory=Counter)  # the refusal's message (a msgid) → rows


def each(session, rows, change):
    """Run `change(session, row)` for every row; a DomainError rolls back that row only."""
    outcome = Outcome()
    for row in rows:
        savepoint = session.begin_nested()
        try:
            change(session, row)
            session.flush()
        except DomainError as error:
            savepoint.rollback()
            outcome.refused[str(error)] += 1
        else:
            savepoint.commit()
            outcome.done.append(row)
    return outcome
