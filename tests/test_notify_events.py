"""Notification events of SPEC §1.8: the right recipients on the right days, nobody on other
days, exactly once, and the missed days caught up (reminders whose event has not passed)."""
import json
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import delete, select

from app.domain import reminders, schedule
from app.domain.enums import NotifyEvent, TariffPeriod
from app.errors import DomainError
from app.jobs.nightly import run_nightly
from app.models import Account, Agreement, Building, OutboxMessage, Section, Setting
from app.notify import events
from tests import factories

MANAGER, OWNER, TARIFF = "manager@test.example", "owner@test.example", "tariff_payment@test.example"


@pytest.fixture()
def outbox(session):
    """The outbox, emptied first (the fixtures' staff were announced when they were created)."""
    session.execute(delete(OutboxMessage))
    session.commit()

    def rows(**where):
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for key, value in where.items():
            query = query.where(getattr(OutboxMessage, key) == value)
        return session.scalars(query).all()

    return rows


def user(session, username):
    return session.scalar(select(User).where(User.username == username))


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def reminders_by_day(session, first, last):
    """Run the reminders for each day in turn (committing, as the job does): {day: [(event, recipient)]}."""
    written = {}
    for day in days(first, last):
        before = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0
        events.remind(session, day)
        session.commit()
        new = session.scalars(select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)).all()
        if new:
            written[day] = sorted((row.event, row.recipient) for row in new)
    return written


def tenancy(session, **fields):
    values = dict(manager=user(session, "manager"), start_date=date(2026, 1, 1), end_date=date(2026, 3, 31),
                  customer=factories.customer(session, email="office@tenant.example",
                                              recipient_emails="buh@tenant.example\nboss@tenant.example"))
    values.update(fields)
    return factories.contract(session, **values)


def test_contract_end_reminds_manager_and_customer_list_n_days_before_and_on_the_last_day(session, outbox):
    tenancy(session, notify_days_before_end=10)
    tenancy(session, status="draft")  # not active: never reminded
    session.commit()
    written = reminders_by_day(session, date(2026, 3, 1), date(2026, 4, 5))
    everyone = sorted(("contract_ends", who) for who in ("boss@tenant.example", "buh@tenant.example", MANAGER))
    assert written == {date(2026, 3, 21): everyone, date(2026, 3, 31): everyone}
    manager_mail, customer_mail = outbox(recipient=MANAGER)[0], outbox(recipient="buh@tenant.example")[0]
    assert "через 10 дней, 31.03.2026" in manager_mail.body_text.lower() and "ООО «Тест" in manager_mail.subject
    assert customer_mail.sender_name.startswith("Робот ООО «Тест") and customer_mail.reply_to == "landlord@test.example"
    assert "Ответ на него получит ООО «Тест" in customer_mail.body_text
    assert "Сегодня, 31.03.2026" in outbox(trigger_date=date(2026, 3, 31), recipient=MANAGER)[0].body_text


def test_contracts_ending_are_looked_for_a_batch_at_a_time(session, monkeypatch):
    monkeypatch.setattr(reminders, "BATCH", 2)
    ending = [tenancy(session, end_date=date(2026, 3, n), notify_days_before_end=0) for n in (2, 1, 3)]
    tenancy(session, end_date=date(2026, 6, 30), notify_days_before_end=0)  # not yet
    tenancy(session, end_date=date(2026, 3, 1), status="draft")  # not active
    session.commit()
    due = [(r.subject.id, r.event_day) for r in reminders.contracts_ending(session, date(2026, 3, 1))]
    assert due == [(ending[1].id, date(2026, 3, 1))]
    due = [(r.subject.id, r.trigger) for r in reminders.contracts_ending(session, date(2026, 3, 3))]
    assert due == [(ending[2].id, date(2026, 3, 3))]


def test_agreement_start_reminds_the_customer_by_its_email_when_it_has_no_list(session, outbox):
    contract = tenancy(session, end_date=date(2026, 12, 31), notify_days_before_end=0,
                       customer=factories.customer(session, email="office@tenant.example"))
    contract.agreements.append(Agreement(number="2", date=date(2026, 5, 1), start_date=date(2026, 6, 1), notify_days_before=5,
                                         new_monthly_rent=Decimal("45000.00"), new_end_date=date(2027, 5, 31)))
    session.commit()
    written = reminders_by_day(session, date(2026, 5, 20), date(2026, 6, 10))
    both = [("agreement_starts", MANAGER), ("agreement_starts", "office@tenant.example")]
    assert written == {date(2026, 5, 27): both, date(2026, 6, 1): both}
    text = outbox(recipient=MANAGER)[0].body_text
    assert "Через 5 дней, 01.06.2026, вступает в силу доп. соглашение № 2" in text
    assert "арендная плата — 45 000,00 ₽ в месяц" in text and "договор действует по 31.05.2027" in text


@pytest.mark.parametrize("period, reminder_days", [
    (TariffPeriod.MONTHLY.value, [14, 7, 0]),
    (TariffPeriod.YEARLY.value, [28, 21, 14, 7, 0]),
])
def test_tariff_end_goes_to_owners_and_tariff_users_on_its_days(session, outbox, period, reminder_days):
    paid_until = date(2026, 3, 31)
    session.add(Account(name="ООО «Арендодатель»", plan_name="Базовый", billing_period=period, price=Decimal("5000"), paid_until=paid_until))
    session.commit()
    written = reminders_by_day(session, date(2026, 2, 20), date(2026, 4, 3))
    people = [("tariff_ends", OWNER), ("tariff_ends", TARIFF)]
    assert written == {paid_until - timedelta(days=n): people for n in reminder_days}


def test_after_days_down_the_missed_reminder_goes_out_once_and_stale_ones_never(session, outbox):
    contract = tenancy(session, end_date=date(2026, 3, 10), notify_days_before_end=7)  # reminders 03.03 and 10.03
    contract.agreements.append(Agreement(number="1", date=date(2026, 2, 1), start_date=date(2026, 3, 5), notify_days_before=3,
                                         new_monthly_rent=Decimal("1000")))  # reminders 02.03 and 05.03
    session.add(Account(name="А", plan_name="Годовой", billing_period="yearly", price=Decimal("1"), paid_until=date(2026, 3, 30)))
    session.commit()
    assert reminders_by_day(session, date(2026, 2, 25), date(2026, 2, 25)) == {}
    # the worker was down from 26.02 to 06.03
    caught_up = reminders_by_day(session, date(2026, 3, 6), date(2026, 3, 6))[date(2026, 3, 6)]
    assert {event for event, _ in caught_up} == {"contract_ends", "tariff_ends"}  # the agreement started yesterday: stale
    contract_rows = outbox(event="contract_ends", recipient=MANAGER)
    assert [(r.trigger_date, "через 4 дня, 10.03.2026" in r.body_text.lower()) for r in contract_rows] == [(date(2026, 3, 3), True)]
    tariff_rows = outbox(event="tariff_ends", recipient=OWNER)
    assert [r.trigger_date for r in tariff_rows] == [date(2026, 3, 2)]  # 28 and 21 days before were missed: only the latest
    later = reminders_by_day(session, date(2026, 3, 6), date(2026, 3, 12))  # 06.03 again, then on
    assert sorted(later) == [date(2026, 3, 9), date(2026, 3, 10)]  # tariff 21 days before; the contract's last day
    assert {event for event, _ in later[date(2026, 3, 10)]} == {"contract_ends"}


def autosend_contract(session, customer, executor, autosend=True, number=None):
    contract = factories.contract(
        session, number=number or f"Д-{customer.id}-{autosend}", manager=user(session, "manager"), customer=customer,
        executor=executor, autosend_documents=autosend, monthly_rent=Decimal("30000.00"), date=date(2019, 12, 1),
        start_date=date(2020, 1, 1), end_date=date(2020, 12, 31), notify_days_before_end=0,
    )
    schedule.rebuild(session, contract, date(2020, 1, 1))
    return contract


def test_issued_documents_one_summary_per_manager_and_one_email_per_customer_with_autosend(session, outbox):
    landlord = factories.executor(session, name="ООО «Башня»")
    tenant = factories.customer(session, recipient_emails="buh@tenant.example, boss@tenant.example")
    quiet = factories.customer(session, email="quiet@tenant.example")
    autosend_contract(session, tenant, landlord, number="Д-1")
    autosend_contract(session, tenant, landlord, number="Д-2")
    autosend_contract(session, quiet, landlord, autosend=False, number="Д-3")
    session.commit()
    summary = run_nightly("2020-01-31")
    assert summary["notifications"]["documents"] == {"summaries": 1, "to_customers": 2}
    [digest] = outbox(event="documents_issued")
    assert digest.recipient == MANAGER and digest.subject == "Выставлены документы 31.01.2020: 12"  # 3 × (2 invoices, act, VAT invoice)
    assert digest.body_text.count("Счёт № ") == 6 and "Д-3" in digest.body_text
    sent = outbox(event="documents_sent")
    assert sorted(r.recipient for r in sent) == ["boss@tenant.example", "buh@tenant.example"]
    refs = json.loads(sent[0].attachments)
    assert sorted(ref["kind"] for ref in refs) == ["act", "act", "invoice", "invoice", "invoice", "invoice", "vat_invoice", "vat_invoice"]
    assert sent[0].sender_name == "Робот ООО «Башня»" and sent[0].reply_to == "landlord@test.example"
    assert "quiet@tenant.example" not in {r.recipient for r in outbox()}
    again = run_nightly("2020-01-31")
    assert again["notifications"]["documents"] == {"summaries": 0, "to_customers": 0}
    assert len(outbox(event="documents_issued")) == 1 and len(outbox(event="documents_sent")) == 2


def test_issued_documents_read_in_batches_make_the_same_emails(session, outbox, monkeypatch):
    monkeypatch.setattr(events, "BATCH", 1)  # every customer's documents a batch of their own, at least
    landlord = factories.executor(session, name="ООО «Башня»")
    tenant, other = factories.customer(session, email="tenant@tenant.example"), factories.customer(session, email="other@tenant.example")
    autosend_contract(session, tenant, landlord, number="Д-3")
    autosend_contract(session, other, landlord, number="Д-2")
    autosend_contract(session, tenant, landlord, number="Д-1")
    session.commit()
    summary = run_nightly("2020-01-31")
    assert summary["notifications"]["documents"] == {"summaries": 1, "to_customers": 2}
    [digest] = outbox(event="documents_issued")
    lines = [line for line in digest.body_text.splitlines() if line.startswith("— ")]
    assert len(lines) == 12 and [line.split("договор № ")[1].split(",")[0] for line in lines] == ["Д-1"] * 4 + ["Д-2"] * 4 + ["Д-3"] * 4
    sent = {row.recipient: row for row in outbox(event="documents_sent")}
    assert len(json.loads(sent["tenant@tenant.example"].attachments)) == 8 and len(json.loads(sent["other@tenant.example"].attachments)) == 4
    assert sent["tenant@tenant.example"].body_text.index("Д-1") < sent["tenant@tenant.example"].body_text.index("Д-3")
    assert run_nightly("2020-01-31")["notifications"]["documents"] == {"summaries": 0, "to_customers": 0}


def test_the_nightly_job_run_twice_writes_each_reminder_once(session, outbox):
    tenancy(session, end_date=date(2026, 3, 31), notify_days_before_end=0)
    session.commit()
    first = run_nightly("2026-03-31")["notifications"]["reminders"]
    second = run_nightly("2026-03-31")["notifications"]["reminders"]
    assert (first, second) == ({"contract_ends": 3}, {"contract_ends": 0})
    assert len(outbox()) == 3


def test_staff_created_changed_and_deleted_are_told_to_that_person(app, session, outbox):
    sm = app.appbuilder.sm
    created = sm.add_user("ivanov", "Иван", "Иванов", "ivanov@test.example", [sm.find_role("Manager")], "secret-123")
    [welcome] = outbox(event="staff_created")
    assert welcome.recipient == "ivanov@test.example" and "Логин: ivanov" in welcome.body_text and "Менеджер" in welcome.body_text
    sm.update_user_auth_stat(created, success=True)  # signing in changes nothing worth a letter
    assert len(outbox()) == 1
    created.first_name, created.email = "Иван Петрович", "ivan@test.example"
    created.roles = [sm.find_role("Accountant")]
    session.commit()
    changed = outbox(event="staff_changed")
    assert sorted(r.recipient for r in changed) == ["ivan@test.example", "ivanov@test.example"]  # the new address and the old
    assert "Роли: Менеджер → Бухгалтер" in changed[0].body_text and "Email: ivanov@test.example → ivan@test.example" in changed[0].body_text
    sm.reset_password(created.id, "another-secret-1")
    assert "Пароль" in outbox(event="staff_changed")[-1].body_text
    sm.delete_user(created)
    [farewell] = outbox(event="staff_deleted")
    assert farewell.recipient == "ivan@test.example"


def test_staff_change_rolled_back_is_not_notified(session, outbox):
    manager = user(session, "manager")
    manager.last_name = "Другой"
    session.flush()
    session.rollback()
    assert outbox() == []


def test_tariff_change_is_told_to_owners_and_tariff_users(session, outbox):
    account = Account(name="ООО «Арендодатель»", plan_name="Базовый", billing_period="monthly", price=Decimal("5000"))
    session.add(account)
    session.commit()
    assert outbox() == []  # the account's creation is no tariff change
    account.plan_name, account.billing_period, account.price = "Профессиональный", "yearly", Decimal("50000")
    session.commit()
    rows = outbox(event="tariff_changed")
    assert sorted(r.recipient for r in rows) == [OWNER, TARIFF]
    assert "Тариф: Базовый → Профессиональный" in rows[0].body_text
    assert "Период оплаты: Помесячно → Годовая оплата" in rows[0].body_text and "5 000,00 ₽ → 50 000,00 ₽" in rows[0].body_text
    account.name = "ООО «Новое имя»"  # not the tariff
    session.commit()
    assert len(outbox()) == 2


def test_scheduled_1c_export_is_emailed_once_with_its_file(app, session, outbox):
    data = b"<?xml version='1.0'?><Message/>"
    created = events.export_1c_made(session, date(2026, 2, 1), "1c@landlord.example", "Выгрузка 01.2026.xml", data, "январь 2026")
    again = events.export_1c_made(session, date(2026, 2, 1), "1c@landlord.example", "Выгрузка 01.2026.xml", data, "январь 2026")
    session.commit()
    assert (created, again) == (1, 0)
    [row] = outbox(event="export_1c")
    assert row.recipient == "1c@landlord.example" and row.subject == "Выгрузка в 1С: январь 2026"
    [ref] = json.loads(row.attachments)
    assert ref["name"] == "Выгрузка 01.2026.xml" and ref["type"] == "application/xml"
    with pytest.raises(DomainError, match="Не указан адрес"):
        events.export_1c_made(session, date(2026, 2, 1), " ", "x.xml", data, "январь 2026")


def test_site_inquiry_goes_to_the_section_or_building_manager_and_the_public_email(session, outbox):
    session.add(Setting(key="PUBLIC_EMAIL", value="hello@landlord.example"))
    building = Building(name="БЦ Север", manager=user(session, "owner"))
    section = Section(building=building, name="Башня Б", manager=user(session, "manager"))
    session.add_all([building, section])
    session.flush()
    inquiry = SimpleNamespace(id=7, name="Пётр", phone="+7 900 000-00-00", email="petr@visitor.example",
                              message="Нужен офис на 50 м²", building=building, section=section)
    assert events.site_inquiry(session, inquiry, date(2026, 3, 1)) == 2
    assert events.site_inquiry(session, inquiry, date(2026, 3, 1)) == 0
    events.site_inquiry(session, SimpleNamespace(id=8, name="Анна", phone=None, email=None, message="Склад?",
                                                 building=building, section=None), date(2026, 3, 1))
    session.commit()
    first = outbox(object_ref="inquiry:7")
    assert sorted(r.recipient for r in first) == ["hello@landlord.example", MANAGER]
    assert first[0].reply_to == "petr@visitor.example" and "Нужен офис на 50 м²" in first[0].body_text
    assert first[0].subject == "Заявка с сайта: БЦ Север, Башня Б — Пётр"
    assert sorted(r.recipient for r in outbox(object_ref="inquiry:8")) == ["hello@landlord.example", OWNER]
    assert outbox(object_ref="inquiry:8")[0].reply_to is None


def test_an_event_is_a_russian_label_in_the_outbox():
    assert NotifyEvent.label_of("contract_ends") == "Заканчивается договор"
