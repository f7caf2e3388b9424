"""How «Экспорт в Excel» reads a list (app.exports.tables.stream): related rows by their keys,
each once, so the statements of an export do not grow with its rows; a relation left empty
gives empty cells."""
from sqlalchemy import event

from app import permissions as P
from app.exports import tables
from app.extensions import db
from tests import factories
from tests.test_excel_lists import table


def statements(client, url):
    """The statements an export runs (the security tables' aside) and its rows."""
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "FROM ab_" not in statement:  # the signed-in user and roles, loaded or not before
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = table(client.get(url))[2]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return seen, rows


def test_the_statements_do_not_grow_with_the_rows(client, login_as, session):
    def invoices(count):
        for _ in range(count):
            contract = factories.contract(session)
            factories.invoice(session, contract)
        session.commit()

    invoices(3)
    login_as(P.ROLE_ACCOUNTANT)
    few, rows = statements(client, "/invoiceview/export/xlsx")
    assert len(rows) == 3
    invoices(40)
    many, rows = statements(client, "/invoiceview/export/xlsx")
    assert len(rows) == 43 and len({r["Договор, id"] for r in rows}) == 43
    assert len(many) == len(few)


def test_an_empty_relation_gives_empty_cells(client, login_as, session):
    room = factories.room(session)
    factories.contract(session, rooms=[room], manager_id=None)
    session.commit()
    login_as(P.ROLE_OWNER)
    [row] = table(client.get("/contractview/export/xlsx"))[2]
    assert row["Менеджер"] is None and row["Менеджер, id"] is None
    assert row["Заказчик"] and row["Заказчик, id"]


def test_what_is_read_by_key(app):
    from app.models import Contract, Invoice

    assert tables.by_key(Invoice.contract.property) == "contract_id"
    assert tables.by_key(Contract.rooms.property) is None  # a collection: its loads go with the query
