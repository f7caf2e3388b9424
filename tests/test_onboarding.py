"""Onboarding from Excel: the template filled with a realistic landlord imports (contracts
with their schedules), a file with bad cells is refused naming each and imports nothing, and
re-uploading the same file creates no duplicates."""
import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from app import permissions as P
from app.domain.validation import with_account_key, with_inn_checksum
from app.models import BankAccount, Building, Contract, ContractRoom, Counterparty, Floor, Invoice, Room

EXECUTOR_INN = with_inn_checksum("770812345")
CUSTOMER_INN = with_inn_checksum("500123456")
SOLE_INN = with_inn_checksum("7712345678")
ACCOUNT = with_account_key("40702810400000012345", "044525225")

PARTIES = [
    ["Юридическое лицо", "ООО «Арендодатель»", "Общество с ограниченной ответственностью «Арендодатель»", EXECUTOR_INN,
     "770801001", None, "Москва, ул. Лесная, 5", "+7 495 111-22-33", "office@landlord.example", "Да", "А-", None,
     ACCOUNT, "044525225", "ПАО Сбербанк", "30101810400000000225"],
    ["Юридическое лицо", "ООО «Ромашка»", None, CUSTOMER_INN, "500101001", None, None, None, "buh@romashka.example",
     "Нет", None, "buh@romashka.example, director@romashka.example", None, None, None, None],
    ["Индивидуальный предприниматель", "ИП Иванов И. И.", None, SOLE_INN, None, None, None, None, None, None, None, None,
     None, None, None, None],
]
ROOMS = [
    ["БЦ «Лесной»", "Москва, ул. Лесная, 5", 1, "101", "Офис", 42.5, 24000],
    ["БЦ «Лесной»", None, 1, "102", "Офис", 30, 24000],
    ["БЦ «Лесной»", None, 2, "201", "Склад", 120, 9000],
]
CONTRACTS = [
    [EXECUTOR_INN, "770801001", "А-1/2026", datetime(2026, 1, 10), CUSTOMER_INN, "500101001", "Подписан",
     datetime(2026, 2, 1), datetime(2026, 12, 31), "НДС сверху", 25, 5, 100000, "БЦ «Лесной»", 1, "101", None, None],
    [EXECUTOR_INN, "770801001", "А-1/2026", datetime(2026, 1, 10), CUSTOMER_INN, "500101001", "Подписан",
     datetime(2026, 2, 1), datetime(2026, 12, 31), "НДС сверху", 25, 5, 100000, "БЦ «Лесной»", 1, "102", 30, 20000],
    [EXECUTOR_INN, "770801001", "А-2/2026", "15.01.2026", SOLE_INN, None, "Черновик",
     "01.03.2026", None, "Без НДС", None, None, None, "БЦ «Лесной»", 2, "201", None, None],
]


def template(client):
    response = client.get("/onboarding/template.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def filled(client, parties=PARTIES, rooms=ROOMS, contracts=CONTRACTS):
    book = template(client)
    for title, rows in (("Контрагенты", parties), ("Помещения", rooms), ("Договоры", contracts)):
        for row in rows:
            book[title].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data, name="landlord.xlsx"):
    return client.post("/onboarding/check", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def sha_of(page):
    import re

    return re.search(r'name="sha" value="([0-9a-f]{64})"', page).group(1)


def counts(session):
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Counterparty, BankAccount, Building, Floor, Room, Contract, ContractRoom)}


def test_a_realistic_landlord_imports_with_schedules(client, login_as, session):
    login_as(P.ROLE_MANAGER)
    data = filled(client)
    page = upload(client, data)
    assert page.status_code == 200
    assert "ошибок нет" in page.text and "onboarding-problems" not in page.text
    assert counts(session)["Contract"] == 0  # the check creates nothing
    response = client.post("/onboarding/create", data={"sha": sha_of(page.text)}, follow_redirects=True)
    assert "Загружено: контрагентов 3, помещений 3, договоров 2." in response.text
    assert counts(session) == {"Counterparty": 3, "BankAccount": 1, "Building": 1, "Floor": 2, "Room": 3, "Contract": 2,
                               "ContractRoom": 3}
    signed = session.scalars(select(Contract).where(Contract.number == "А-1/2026")).one()
    assert signed.executor.is_executor and signed.customer.name == "ООО «Ромашка»"
    assert sorted((r.room.number, r.area, r.rate) for r in signed.rooms) == [("101", 42.5, 24000), ("102", 30, 20000)]
    assert signed.status_history[0].new_status == "signed"
    assert session.scalar(select(func.count()).select_from(Invoice).where(Invoice.contract_id == signed.id)) > 0  # scheduled
    draft = session.scalars(select(Contract).where(Contract.number == "А-2/2026")).one()
    assert draft.customer.kind == "sole" and draft.vat_mode == "none" and draft.end_date is None

    # The same file again: everything is already there, nothing is created.
    before = counts(session)
    page = upload(client, data)
    assert "Всё из этого файла уже загружено." in page.text
    assert counts(session) == before


def test_a_file_with_bad_cells_names_each_and_imports_nothing(client, login_as, session):
    login_as(P.ROLE_OWNER)
    parties = [list(PARTIES[0]), list(PARTIES[1])]
    parties[0][3] = EXECUTOR_INN[:-1] + str((int(EXECUTOR_INN[-1]) + 1) % 10)  # a wrong check digit
    parties[1][12], parties[1][13] = "40702810400000000000", "044525225"  # the account's key does not fit the BIK
    rooms = [list(ROOMS[0]), ["БЦ «Лесной»", None, "первый", "102", "Кабинет", -5, None]]
    contracts = [list(CONTRACTS[0])]
    contracts[0][3] = "31.02.2026"
    contracts[0][8] = datetime(2025, 1, 1)  # before its start
    page = upload(client, filled(client, parties, rooms, contracts))
    text = page.text
    assert "не загружен" in text
    expected = [
        ("Контрагенты", 2, "ИНН", "Неверный ИНН: не сходится контрольное число"),
        ("Контрагенты", 3, "Расчётный счёт", "Номер счёта не соответствует БИК"),
        ("Помещения", 3, "Этаж", "Число — цифрами"),
        ("Помещения", 3, "Вид", "Одно из значений"),
        ("Помещения", 3, "Площадь, м²", "Значение должно быть больше нуля"),
        ("Договоры", 2, "Дата договора", "Дата — в формате ДД.ММ.ГГГГ"),
        ("Договоры", 2, "Окончание аренды", "Дата окончания не может быть раньше даты начала"),
        ("Договоры", 2, "ИНН исполнителя", "Нет такого контрагента"),  # its row above was refused
    ]
    rows = [r for r in text.split("<tr>")[2:]]
    for sheet, row, column, message in expected:
        assert any(f"<td>{sheet}</td><td>{row}</td><td>{column}</td>" in r and message in r for r in rows), (sheet, row, column)
    assert 'name="sha"' not in text
    assert all(n == 0 for n in counts(session).values())


def test_not_an_excel_file_and_a_missing_sheet(client, login_as, session):
    login_as(P.ROLE_OWNER)
    page = upload(client, b"INN;KPP\n1;2\n", "data.csv")
    assert "Файл не читается как книга Excel" in page.text
    book = template(client)
    del book["Договоры"]
    out = io.BytesIO()
    book.save(out)
    page = upload(client, out.getvalue())
    assert "Нет листа в файле" in page.text


@pytest.mark.parametrize("role", [P.ROLE_ACCOUNTANT, P.ROLE_VIEWER])
def test_only_who_may_write_property_and_contracts_imports(client, login_as, role):
    login_as(role)
    assert client.get("/onboarding/").status_code == 403
    assert client.post("/onboarding/check").status_code == 403
