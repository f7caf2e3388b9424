"""The admin side of notifications: the outbox page (status filter, error, resend), the tariff
page (Owner and Tariff & Payment only; a change notifies), the mail settings page (Owner only,
saved values over the environment, a test email), and staff changes made in the admin."""
from datetime import date
from decimal import Decimal

from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import delete, select

from app.domain.enums import OutboxStatus
from app.models import Account, OutboxMessage, Setting
from app.notify import settings
from app.notify.outbox import Content, put
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_OWNER, ROLE_TARIFF


def queued(session, recipient, status=OutboxStatus.PENDING.value, error=None):
    put(session, "contract_ends", f"contract:{recipient}", [recipient], date(2026, 3, 1), Content(subject=f"Письмо {recipient}", text="…"))
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == recipient))
    row.status, row.last_error, row.attempts = status, error, 3 if error else 0
    session.commit()
    return row


def clean_outbox(session):
    session.execute(delete(OutboxMessage))
    session.commit()


def test_outbox_list_filters_by_status_and_shows_the_error(client, session, login_as):
    clean_outbox(session)
    queued(session, "ok@example.test", OutboxStatus.SENT.value)
    queued(session, "bad@example.test", OutboxStatus.FAILED.value, "Почтовый сервер недоступен: Connection refused")
    login_as(ROLE_MANAGER)
    page = client.get("/outboxview/list/").text
    assert "Ошибка, повтор" in page and "Почтовый сервер недоступен" in page and "Заканчивается договор" in page
    link = next(part for part in page.split('href="') if part.startswith("/outboxview/list/?_flt_") and "failed" in part.split('"')[0])
    failed_only = client.get(link.split('"')[0].replace("&amp;", "&")).text
    assert "bad@example.test" in failed_only and "ok@example.test" not in failed_only


def test_resend_puts_messages_back_in_the_queue_for_who_may_write(client, session, login_as):
    clean_outbox(session)
    dead = queued(session, "dead@example.test", OutboxStatus.DEAD.value, "550 No such user")
    login_as(ROLE_ACCOUNTANT)  # reads the outbox, may not resend
    client.post("/outboxview/action_post", data={"action": "resend", "rowid": [dead.id]})
    session.refresh(dead)
    assert dead.status == OutboxStatus.DEAD.value
    login_as(ROLE_MANAGER)
    response = client.post("/outboxview/action_post", data={"action": "resend", "rowid": [dead.id]}, follow_redirects=True)
    assert "Поставлено в очередь на отправку: 1" in response.text
    session.refresh(dead)
    assert (dead.status, dead.attempts, dead.last_error) == (OutboxStatus.PENDING.value, 0, None)


def test_tariff_page_is_for_owner_and_tariff_users_and_a_change_notifies_them(client, session, login_as):
    account = Account(name="ООО «Арендодатель»", plan_name="Базовый", billing_period="monthly", price=Decimal("5000"),
                      paid_until=date(2026, 3, 31))
    session.add(account)
    session.commit()
    clean_outbox(session)
    login_as(ROLE_MANAGER)
    assert client.get("/tariffview/list/").status_code == 403
    login_as(ROLE_TARIFF)
    assert "Базовый" in client.get("/tariffview/list/").text
    response = client.post(f"/tariffview/edit/{account.id}", data={
        "name": "ООО «Арендодатель»", "plan_name": "Профессиональный", "billing_period": "yearly", "price": "50000",
        "paid_until": "2027-03-31",
    })
    assert response.status_code == 302
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event == "tariff_changed")).all()
    assert sorted(r.recipient for r in rows) == ["owner@test.example", "tariff_payment@test.example"]
    assert "Оплачен до: 31.03.2026 → 31.03.2027" in rows[0].body_text


def test_mail_settings_are_owner_only_and_saved_values_override_the_environment(app, client, session, login_as):
    login_as(ROLE_MANAGER)
    assert client.get("/mailsettings/form").status_code == 403
    login_as(ROLE_OWNER)
    page = client.get("/mailsettings/form").text
    assert "Настройки почты" in page and "Из окружения: localhost" in page and "Отправить проверочное письмо" in page
    form = {"MAIL_SERVER": "smtp.landlord.example", "MAIL_PORT": "587", "MAIL_USE_TLS": "true", "MAIL_USE_SSL": "",
            "MAIL_USERNAME": "robot", "MAIL_PASSWORD": "s3cret", "MAIL_DOMAIN": "landlord.example", "PUBLIC_EMAIL": "hello@landlord.example"}
    assert client.post("/mailsettings/form", data=form).status_code == 302
    current = settings.current(session, app.config)
    assert (current["MAIL_SERVER"], current["MAIL_PORT"], current["MAIL_USE_TLS"], current["MAIL_USE_SSL"]) == ("smtp.landlord.example", 587, True, False)
    assert (current["MAIL_PASSWORD"], current["PUBLIC_EMAIL"]) == ("s3cret", "hello@landlord.example")
    page = client.get("/mailsettings/form").text
    assert "smtp.landlord.example" in page and "s3cret" not in page  # the password is never shown
    client.post("/mailsettings/form", data=dict(form, MAIL_SERVER="", MAIL_PASSWORD=""))  # blank: environment; password kept
    current = settings.current(session, app.config)
    assert (current["MAIL_SERVER"], current["MAIL_PASSWORD"]) == ("localhost", "s3cret")
    both = client.post("/mailsettings/form", data=dict(form, MAIL_USE_SSL="true"))
    assert both.status_code == 200 and "Выберите что-то одно: STARTTLS или SSL" in both.text
    bad = client.post("/mailsettings/form", data=dict(form, PUBLIC_EMAIL="не адрес"))
    assert "Неверный адрес электронной почты" in bad.text


def test_the_test_email_button_sends_at_once_and_shows_the_servers_answer(client, session, login_as, mailbox):
    login_as(ROLE_OWNER)
    sent = client.post("/mailsettings/test", data={"to": "check@landlord.example"}, follow_redirects=True)
    assert "Проверочное письмо отправлено на check@landlord.example" in sent.text
    [message] = mailbox.to("check@landlord.example")
    assert message["Subject"] == "Проверка почты «Аренды»"
    assert session.scalar(select(OutboxMessage.id)) is None  # not an outbox notification
    mailbox.stop()
    failed = client.post("/mailsettings/test", data={"to": "check@landlord.example"}, follow_redirects=True)
    assert "Письмо не отправлено: Почтовый сервер недоступен" in failed.text


def test_staff_added_changed_and_deleted_in_the_admin_hear_of_it(client, session, login_as):
    clean_outbox(session)
    login_as(ROLE_OWNER)
    manager_role = session.scalar(select(Role).where(Role.name == ROLE_MANAGER))
    response = client.post("/users/add", data={
        "first_name": "Ольга", "last_name": "Петрова", "username": "petrova", "active": "y", "email": "petrova@test.example",
        "roles": [manager_role.id], "password": "Long-password-1", "conf_password": "Long-password-1",
    })
    assert response.status_code == 302, response.text
    user = session.scalar(select(User).where(User.username == "petrova"))
    try:
        client.post(f"/users/edit/{user.id}", data={
            "first_name": "Ольга", "last_name": "Сидорова", "username": "petrova", "active": "y", "email": "petrova@test.example",
            "roles": [manager_role.id],
        })
        client.post(f"/users/delete/{user.id}")
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.event, r.recipient) for r in rows] == [
            ("staff_created", "petrova@test.example"), ("staff_changed", "petrova@test.example"), ("staff_deleted", "petrova@test.example"),
        ]
        assert "Фамилия: Петрова → Сидорова" in rows[1].body_text
    finally:
        session.rollback()
        leftover = session.scalar(select(User).where(User.username == "petrova"))
        if leftover is not None:  # staff rows outlive the test's wipe
            session.delete(leftover)
            session.commit()
