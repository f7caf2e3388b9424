"""The full export `export xlsx [--entity NAME|all] -o FILE`: a sheet per entity whose ids and
names join across sheets (VLOOKUP, pivot tables)."""
import json
from datetime import date
from decimal import Decimal

import openpyxl

from app.domain.enums import ContractStatus
from tests import factories


def rows_of(sheet):
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_every_entity_in_one_workbook_joined_by_ids(app, session, tmp_path):
    room = factories.room(session, area=Decimal("30.00"))
    contract = factories.contract(session, rooms=[room], status=ContractStatus.REGISTERED.value)
    factories.invoice(session, contract, amount=Decimal("5000.00"))
    session.commit()
    path = tmp_path / "all.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["file"] == str(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert {"Контрагенты", "Здания", "Этажи", "Помещения", "Договоры", "Помещения договоров", "Счета", "Деньги"} <= set(book.sheetnames)
    parties = {row["ID"]: row for row in rows_of(book["Контрагенты"])}
    [exported] = rows_of(book["Договоры"])
    assert exported["Статус"] == ContractStatus.REGISTERED.label
    assert parties[exported["Заказчик, id"]]["Наименование"] == exported["Заказчик"] == contract.customer.name
    assert parties[exported["Исполнитель, id"]]["ИНН"] == contract.executor.inn
    [line] = rows_of(book["Помещения договоров"])
    rooms = {row["ID"]: row for row in rows_of(book["Помещения"])}
    assert line["Договор, id"] == exported["ID"] and rooms[line["Помещение, id"]]["Площадь, м²"] == 30
    [invoice] = rows_of(book["Счета"])
    assert invoice["Сумма"] == 5000 and invoice["Договор, id"] == contract.id


def test_one_entity_and_a_clear_error(app, session, tmp_path):
    factories.customer(session, name="ООО «Один»")
    session.commit()
    path = tmp_path / "parties.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "xlsx", "--entity", "counterparties", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Контрагенты"]
    assert [r["Наименование"] for r in rows_of(book["Контрагенты"])] == ["ООО «Один»"]
    result = app.test_cli_runner().invoke(args=["export", "xlsx", "-o", str(tmp_path / "missing" / "x.xlsx")])
    assert result.exit_code == 1 and "Не удалось записать файл" in result.output


def test_indexation_terms_and_deposit_operations_are_exported(app, session, tmp_path):
    from app.domain import deposits
    from app.domain.enums import DepositOperationKind, DocumentKind, IndexationMode

    contract = factories.contract(session, deposit_amount=Decimal("9000.00"), indexation_mode=IndexationMode.FIXED.value,
                                  indexation_percent=Decimal("5.00"), indexation_month=3)
    factories.invoice(session, contract, kind=DocumentKind.DEPOSIT.value, amount=Decimal("9000.00"), paid_amount=Decimal("9000.00"))
    deposits.record(session, contract, deposits.REFUND, "1000.00", date(2026, 4, 1))
    session.commit()
    path = tmp_path / "all.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "xlsx", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path, read_only=True)
    [exported] = rows_of(book["Договоры"])
    assert (exported["Индексация"], exported["Индексация, % в год"], exported["Месяц индексации"]) == (
        IndexationMode.FIXED.label, 5, 3)
    [operation] = rows_of(book["Операции с депозитом"])
    assert (operation["Договор, id"], operation["Вид"], operation["Сумма"]) == (contract.id, DepositOperationKind.REFUND.label, 1000)
    assert operation["Дата"].date() == date(2026, 4, 1)
