"""«Экспорт в Excel» of the admin lists: the rows of the current filters, search, order and
needs-attention switch (all pages), typed cells, related names with their ids, statuses in
Russian, user text never a formula, and the list's own read permission."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from app import permissions as P
from app.domain.enums import ContractStatus, InvoiceStatus
from app.views.attention import COLUMN, ON, filter_index
from tests import factories


def workbook(response):
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def table(response):
    sheet = workbook(response).active
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture()
def parties(session):
    made = [factories.customer(session, name=f"ООО «Клиент {n:02d}»", phone="+7 495 000-00-00") for n in range(30)]
    made.append(factories.customer(session, name="=HYPERLINK(\"http://evil\")", comment="+1+2", phone="@SUM(A1)"))
    session.commit()
    return made


def test_every_page_of_the_searched_list(client, login_as, parties):
    login_as(P.ROLE_VIEWER)
    sheet, header, rows = table(client.get("/counterpartyview/export/xlsx?_flt_2_name=Клиент"))  # «contains»
    assert len(rows) == 30  # the list shows 25 per page
    assert [r["Наименование"] for r in rows] == sorted(r["Наименование"] for r in rows)  # the list's order
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
    assert {"ID", "Наименование", "ИНН", "Полное наименование", "Комментарий"} <= set(header)  # the card's columns too
    assert rows[0]["Вид"] == "Юридическое лицо"
    assert rows[0]["Исполнитель"] == "Нет"


def test_user_text_is_never_a_formula(client, login_as, parties):
    login_as(P.ROLE_OWNER)
    _, _, rows = table(client.get("/counterpartyview/export/xlsx?_flt_0_name==HYPERLINK"))
    assert len(rows) == 1
    assert rows[0]["Наименование"] == '=HYPERLINK("http://evil")'
    assert rows[0]["Телефон"] == "@SUM(A1)"
    assert rows[0]["Комментарий"] == "+1+2"
    sheet = workbook(client.get("/counterpartyview/export/xlsx?_flt_0_name==HYPERLINK")).active
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value is not None and isinstance(cell.value, str))


def test_types_and_related_names_with_ids(client, login_as, session):
    room = factories.room(session, area=Decimal("42.50"), rent_rate=Decimal("24000.00"))
    contract = factories.contract(session, rooms=[room], monthly_rent=Decimal("85000.00"))
    invoice = factories.invoice(session, contract, amount=Decimal("102000.50"))
    session.commit()
    login_as(P.ROLE_ACCOUNTANT)
    sheet, header, rows = table(client.get("/invoiceview/export/xlsx"))
    [row] = rows
    assert row["ID"] == invoice.id
    assert row["Сумма"] == 102000.5
    assert row["Дата"] == datetime(2026, 2, 1)
    assert row["Статус"] == InvoiceStatus.ISSUED.label
    assert row["Договор"] == str(contract)
    assert row["Договор, id"] == contract.id
    column = header.index("Сумма") + 1
    assert "₽" in sheet.cell(2, column).number_format
    assert sheet.cell(2, header.index("Дата") + 1).is_date

    _, _, rooms = table(client.get("/roomview/export/xlsx"))
    assert rooms[0]["Площадь, м²"] == 42.5
    assert rooms[0]["Этаж, id"] == room.floor_id


def test_the_needs_attention_switch(client, login_as, session, today):
    overdue = factories.contract(session, status=ContractStatus.SIGNED.value, start_date=date(2020, 1, 1), end_date=None)
    factories.invoice(session, overdue, date=date(2020, 1, 1), due_date=date(2020, 1, 5))
    fine = factories.contract(session, status=ContractStatus.SIGNED.value, has_original=True,
                              start_date=today - timedelta(days=30), end_date=today + timedelta(days=200))
    session.commit()
    login_as(P.ROLE_MANAGER)
    from app.views.contracts import ContractView

    view = next(v for v in client.application.appbuilder.baseviews if isinstance(v, ContractView))
    url = f"/contractview/export/xlsx?_flt_{filter_index(view.datamodel)}_{COLUMN}={ON}"
    _, header, rows = table(client.get(url))
    assert [r["ID"] for r in rows] == [overdue.id]
    assert rows[0]["Требует внимания"]
    _, _, everything = table(client.get("/contractview/export/xlsx"))
    assert {r["ID"] for r in everything} == {overdue.id, fine.id}


def test_the_list_shows_the_button_with_its_filters(client, login_as, parties):
    login_as(P.ROLE_VIEWER)
    page = client.get("/counterpartyview/list/?_flt_2_name=Клиент").text
    assert "Экспорт в Excel" in page
    assert "/counterpartyview/export/xlsx?_flt_2_name=" in page


def test_nobody_exports_what_they_cannot_read(client, login_as, parties):
    login_as(P.ROLE_TARIFF)
    assert client.get("/counterpartyview/export/xlsx").status_code == 403
    login_as(P.ROLE_ACCOUNTANT)
    assert client.get("/keyrateview/export/xlsx").status_code == 403
    client.get("/logout/")
    assert client.get("/counterpartyview/export/xlsx").status_code == 302


def test_every_list_exports(app, client, login_as, parties):
    """Every admin list with an Excel export answers a workbook (none answers 500)."""
    login_as(P.ROLE_OWNER)
    names = [type(v).__name__ for v in app.appbuilder.baseviews if hasattr(v, "export_xlsx")]
    assert len(names) >= 20
    for name in names:
        if f"{name}.export_xlsx" in app.view_functions:
            book = workbook(client.get(f"/{name.lower()}/export/xlsx"))
            assert book.active.cell(1, 1).value, name
