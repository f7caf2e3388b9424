"""Numbers per executor and kind, with the executor's prefix."""
from app.domain import numbering
from tests import factories


def test_each_executor_numbers_each_kind_on_its_own(session):
    a = factories.executor(session, doc_prefix="А-")
    b = factories.executor(session, doc_prefix="Б-")
    issued = [numbering.next_number(session, a.id, numbering.INVOICE) for _ in range(3)]
    assert issued == ["А-1", "А-2", "А-3"]
    assert numbering.next_number(session, a.id, numbering.ACT) == "А-1"
    assert numbering.next_number(session, b.id, numbering.INVOICE) == "Б-1"


def test_rolled_back_number_is_issued_again(session):
    a = factories.executor(session, doc_prefix="")
    session.commit()
    assert numbering.next_number(session, a.id, numbering.INVOICE) == "1"
    session.rollback()
    assert numbering.next_number(session, a.id, numbering.INVOICE) == "1"
