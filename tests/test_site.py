"""The public site and its feedback form: free rooms shown without login; an inquiry stored,
notified and listed; CSRF, honeypot, rate limit and bad input refused with nothing stored."""
from decimal import Decimal

import pytest

from app.domain import inquiries
from app.models import Building, Floor, Inquiry, OutboxMessage, Room, Section
from app.permissions import ROLE_MANAGER
from tests import factories
from tests.conftest import role_username


@pytest.fixture()
def place(session, app):
    sm = app.appbuilder.sm
    manager = sm.find_user(username=role_username(ROLE_MANAGER))
    building = Building(name="БЦ «Север»", address="Москва, ул. Профсоюзная, 65к1", description="Офисы класса B", manager=manager)
    section = Section(building=building, name="А")
    level = Floor(building=building, section=section, number=3)
    free = Room(floor=level, number="301", kind="office", area=Decimal("45"), rent_rate=Decimal("24000"))
    let = Room(floor=level, number="302", kind="office", area=Decimal("60"), rent_rate=Decimal("24000"))
    session.add_all([building, section, level, free, let])
    session.flush()
    factories.contract(session, rooms=[let], start_date=factories.date(2020, 1, 1), end_date=factories.date(2099, 1, 1))
    session.commit()
    return building


def _send(client, building, **fields):
    data = dict(building_id=building.id, name="Анна", phone="+7 916 123-45-67", email="anna@example.ru",
                message="Интересует офис 301, когда можно посмотреть?")
    data.update(fields)
    return client.post("/site/inquiry", data=data, environ_base={"REMOTE_ADDR": fields.pop("ip", "203.0.113.5")})


def test_the_site_shows_free_rooms_without_login(client, place):
    page = client.get("/site/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="viewport"' in text
    assert "БЦ «Север»" in text and "301" in text and "Офис" in text and "45,00 м²" in text and "24 000" in text
    assert ">302," not in text  # let: not offered


def test_an_inquiry_is_stored_and_notified_to_the_manager_and_public_email(client, session, place, app):
    app.config["PUBLIC_EMAIL"] = "sales@example.ru"
    try:
        response = _send(client, place, section_id=place.sections[0].id)
    finally:
        app.config["PUBLIC_EMAIL"] = None
    assert response.status_code == 302
    assert "Спасибо" in client.get(response.headers["Location"]).get_data(as_text=True)
    inquiry = session.query(Inquiry).one()
    assert (inquiry.name, inquiry.building_id, inquiry.section.name, inquiry.status) == ("Анна", place.id, "А", "new")
    recipients = {m.recipient for m in session.query(OutboxMessage).filter_by(event="site_inquiry")}
    assert recipients == {place.manager.email, "sales@example.ru"}


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Укажите, как к вам обращаться"),
    ({"name": "Я" * 101}, "Имя: не больше 100 символов"),
    ({"phone": "", "email": ""}, "Укажите телефон или email"),
    ({"phone": "12-34"}, "Телефон: укажите 10 цифр"),
    ({"email": "anna@"}, "Email: неверный адрес"),
    ({"message": "?"}, "Напишите, что вас интересует"),
    ({"message": "x" * 2001}, "Сообщение: не больше 2000 символов"),
])
def test_bad_input_is_refused_with_a_russian_message_and_nothing_stored(client, session, place, fields, message):
    response = _send(client, place, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.query(Inquiry).count() == 0 and session.query(OutboxMessage).count() == 0


def test_the_honeypot_thanks_the_bot_and_stores_nothing(client, session, place):
    response = _send(client, place, website="http://spam.example")
    assert response.status_code == 302
    assert session.query(Inquiry).count() == 0


def test_a_rate_limit_per_address_counted_in_the_database(client, session, place):
    for _ in range(inquiries.LIMIT):
        assert _send(client, place).status_code == 302
    refused = _send(client, place)
    assert refused.status_code == 429 and "Слишком много заявок" in refused.get_data(as_text=True)
    assert session.query(Inquiry).count() == inquiries.LIMIT
    assert _send(client, place, ip="198.51.100.7").status_code == 302  # another address is not held back


def test_a_post_without_the_csrf_token_is_refused(client, session, place, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _send(client, place)
        page = client.get("/site/").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and "Форма устарела" in response.get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert session.query(Inquiry).count() == 0


@pytest.mark.parametrize("building_id, section_id", [("999999", ""), ("99999999999999999999", "99999999999999999999"),
                                                     ("١٢", "x")])
def test_an_unknown_building_is_refused(client, session, place, building_id, section_id):
    assert _send(client, place, building_id=building_id, section_id=section_id).status_code == 400
    assert session.query(Inquiry).count() == 0


def test_inquiries_are_listed_in_the_admin_and_read_only_over_rest(client, session, place, login_as, api_token):
    _send(client, place)
    inquiry = session.query(Inquiry).one()
    login_as(ROLE_MANAGER)
    listing = client.get("/inquiryview/list/").get_data(as_text=True)
    assert "Заявки с сайта" in listing and "Анна" in listing and "Новая" in listing
    assert client.post(f"/inquiryview/edit/{inquiry.id}", data={"status": "in_work"}).status_code == 302
    session.expire_all()
    assert session.get(Inquiry, inquiry.id).status == "in_work"
    headers = api_token(ROLE_MANAGER)
    body = client.get("/api/v1/inquiry/", headers=headers).get_json()
    row = body["result"][0]
    assert {"building", "section", "name", "phone", "email", "message", "created"} <= set(row)
    assert row["name"] == "Анна" and row["building"]["id"] == place.id
    assert client.post("/api/v1/inquiry/", json={"name": "x"}, headers=headers).status_code == 405
