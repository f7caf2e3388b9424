"""The admin as a manager sees it: Russian labels, money, occupancy today, errors next to fields."""
from datetime import timedelta
from decimal import Decimal

from app.models import Contract, Counterparty, ContractStatusChange
from app.permissions import ROLE_MANAGER
from app.timeutil import today
from tests import factories


def test_form_explains_a_wrong_inn_next_to_the_field(client, login_as, session):
    login_as(ROLE_MANAGER)
    page = client.post("/counterpartyview/add", data={"kind": "legal", "name": "ООО «Опечатка»", "inn": "7707083894",
                                                       "kpp": "773601001", "default_vat_rate": "0.2"}).get_data(as_text=True)
    assert "Неверный ИНН: не сходится контрольное число" in page
    field_at, error_at = page.index('name="inn"'), page.index("Неверный ИНН")
    assert 0 < error_at - field_at < 1500, "the message should follow the INN input"
    assert session.query(Counterparty).filter_by(name="ООО «Опечатка»").count() == 0


def test_form_saves_valid_counterparty(client, login_as, session):
    login_as(ROLE_MANAGER)
    response = client.post("/counterpartyview/add", data={"kind": "legal", "name": "ООО «Верно»", "inn": "7707083893",
                                                           "kpp": "773601001", "default_vat_rate": "0.2", "is_customer": "y"})
    assert response.status_code == 302
    assert session.query(Counterparty).filter_by(inn="7707083893").one().name == "ООО «Верно»"


def contract_form(session, **fields):
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    form = {
        "number": "Ф-1", "date": "2026-01-10", "executor": executor.id, "customer": customer.id, "status": "draft",
        "start_date": "2026-02-01", "end_date": "2026-12-31", "vat_mode": "on_top", "vat_rate": "0.2",
        "billing_period": "calendar_month", "invoiced_period": "next", "invoice_day": "25", "notify_days_before_end": "30",
    }
    form.update(fields)
    return form


def test_contract_form_refuses_end_before_start(client, login_as, session):
    form = contract_form(session, end_date="2026-01-31")
    login_as(ROLE_MANAGER)
    page = client.post("/contractview/add", data=form).get_data(as_text=True)
    assert "Дата окончания не может быть раньше даты начала" in page
    assert session.query(Contract).count() == 0


def test_contract_created_in_form_gets_its_first_status_in_history(client, login_as, session):
    form = contract_form(session, number="Ф-2", status="booked")
    login_as(ROLE_MANAGER)
    response = client.post("/contractview/add", data=form)
    assert response.status_code == 302
    history = session.query(ContractStatusChange).all()
    assert [(h.old_status, h.new_status) for h in history] == [(None, "booked")]


def test_lists_show_russian_statuses_and_money(client, login_as, session):
    contract = factories.contract(session, number="Л-1", monthly_rent=Decimal("123456.5"))
    factories.invoice(session, contract, amount=Decimal("1234567.89"))
    session.commit()
    login_as(ROLE_MANAGER)
    contracts = client.get("/contractview/list/").get_data(as_text=True)
    assert "Подписан" in contracts and "123&nbsp;456,50&nbsp;₽" in contracts
    assert contract.customer.name in contracts
    invoices = client.get("/invoiceview/list/").get_data(as_text=True)
    assert "1&nbsp;234&nbsp;567,89&nbsp;₽" in invoices and "Выставлен" in invoices and "Не оплачен" in invoices


def test_room_list_and_building_card_show_occupancy_today(client, login_as, session):
    busy = factories.room(session, number="101")
    free = factories.room(session, floor=busy.floor, number="102")
    factories.room(session, floor=busy.floor, number="1С", kind="service", area=Decimal("8"))
    factories.contract(session, rooms=[busy], start_date=today() - timedelta(days=10), end_date=today() + timedelta(days=100))
    ended = factories.contract(session, rooms=[free], start_date=today() - timedelta(days=100), end_date=today() - timedelta(days=1))
    session.commit()
    login_as(ROLE_MANAGER)
    rooms = client.get("/roomview/list/").get_data(as_text=True)
    row_101 = rooms[rooms.index(">101<"):][:600]
    row_102 = rooms[rooms.index(">102<"):][:600]
    assert "Занято" in row_101 and "Свободно" in row_102
    card = client.get(f"/buildingview/show/{busy.floor.building_id}").get_data(as_text=True)
    assert 'data-room="101"' in card and 'data-room="102"' in card
    assert card[card.index('data-room="101"'):].split("</tr>")[0].count("Занято") == 1
    assert card[card.index('data-room="102"'):].split("</tr>")[0].count("Свободно") == 1
    assert card[card.index('data-room="1С"'):].split("</tr>")[0].count("—") == 1  # service rooms are not let
    assert "свободно 50,00&nbsp;м², занято 50,00&nbsp;м²" in card  # the service room counts in neither
    assert ended.status == "signed"


def test_english_is_selectable(client, login_as, session):
    login_as(ROLE_MANAGER)
    client.get("/lang/en")
    page = client.get("/contractview/list/").get_data(as_text=True)
    assert "Contracts" in page
    client.get("/lang/ru")
    assert "Договоры" in client.get("/contractview/list/").get_data(as_text=True)
