"""The 1C export at every door: the «Экспорт в 1С» page with its history, the CLI, and the
scheduled export emailed once (a real SMTP server); each refuses without executor or period."""
import json
from datetime import date
from email.header import decode_header, make_header

import pytest

from app import permissions as P
from app.domain import export_schedule
from app.errors import ValidationFailed
from app.exports import xdto_schema
from app.jobs.nightly import run_nightly
from app.models import ExportRun
from app.notify import sender
from tests import export_1c_data
from tests.export_1c_data import END, START

PAGE = "/documents/export-1c/"
SETTINGS = "/settings/export-1c/"


@pytest.fixture()
def month(session):
    return export_1c_data.month(session)


def _form(executor_id, start=START, end=END):
    return {"executor": str(executor_id), "start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}


def test_the_accountant_exports_and_the_file_says_executor_and_period(session, client, login_as, month):
    executor = month[0]
    login_as(P.ROLE_ACCOUNTANT)
    page = client.get(PAGE).get_data(as_text=True)
    assert "ООО «Бизнес-центр» (ИНН 7701234567)" in page and "базу 1С этого исполнителя" in page
    assert "все исполнители" not in page.lower()
    response = client.post(PAGE, data=_form(executor.id))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "1C_EnterpriseData_7701234567_2026-03-01_2026-03-31.xml" in disposition
    assert xdto_schema.problems(response.data) == []
    [run] = session.query(ExportRun).all()
    assert (run.executor_id, run.period_start, run.period_end, run.size) == (executor.id, START, END, len(response.data))
    assert json.loads(run.counts)["acts"] == 3 and run.user.username == "accountant"
    history = client.get(PAGE).get_data(as_text=True)
    assert "01.03.2026–31.03.2026" in history and "Accountant Тестов" in history
    again = client.get(f"{PAGE}{run.id}/download")
    assert again.status_code == 200 and again.data == response.data


@pytest.mark.parametrize("form, message", [
    ({"executor": "0"}, "Выберите исполнителя"),
    ({"start": ""}, "Укажите дату начала периода"),
    ({"end": ""}, "Укажите дату окончания периода"),
])
def test_the_page_refuses_without_executor_or_period(session, client, login_as, month, form, message):
    login_as(P.ROLE_OWNER)
    data = {**_form(month[0].id), **form}
    response = client.post(PAGE, data=data)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert message in response.get_data(as_text=True)
    assert session.query(ExportRun).count() == 0


@pytest.mark.parametrize("role, status", [(P.ROLE_OWNER, 200), (P.ROLE_ACCOUNTANT, 200), (P.ROLE_MANAGER, 403),
                                          (P.ROLE_VIEWER, 403)])
def test_accountant_and_owner_may_export_manager_and_viewer_may_not(session, client, login_as, month, role, status):
    login_as(role)
    assert client.get(PAGE).status_code == status
    response = client.post(PAGE, data=_form(month[0].id))
    assert response.status_code == (200 if status == 200 else 403)


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["export", "1c", *map(str, args)])


def test_cli_writes_the_file_and_prints_the_counts(app, session, month, tmp_path):
    out = tmp_path / "march.xml"
    result = _cli(app, "--executor", "7701234567", "--from", "2026-03-01", "--to", "2026-03-31", "-o", out)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("invoices", "acts", "vat_invoices", "cancelled")} == {
        "invoices": 3, "acts": 3, "vat_invoices": 2, "cancelled": 3}
    assert summary["executor"] == "7701234567" and xdto_schema.problems(out.read_bytes()) == []


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-03-01", "--to", "2026-03-31"), "Выберите исполнителя"),
    (("--executor", "7701234567", "--to", "2026-03-31"), "Укажите период"),
    (("--executor", "7701234567", "--from", "2026-03-01"), "Укажите период"),
    (("--executor", "000000000000", "--from", "2026-03-01", "--to", "2026-03-31"), "Нет исполнителя с ИНН 000000000000"),
    (("--executor", "7701234567", "--from", "01.03.2026", "--to", "2026-03-31"), "ГГГГ-ММ-ДД"),
])
def test_cli_refuses_without_executor_or_period(app, session, month, tmp_path, args, message):
    out = tmp_path / "x.xml"
    result = _cli(app, *args, "-o", out)
    assert result.exit_code != 0
    assert message in result.stderr
    assert not out.exists() and session.query(ExportRun).count() == 0


def _schedule(session, executor, **fields):
    values = dict(periodicity=export_schedule.MONTHLY, day=2, executor_ids=[executor.id], email="1c@landlord.example")
    values.update(fields)
    export_schedule.save(session, export_schedule.Schedule(**values))
    session.commit()


def test_the_scheduled_export_is_emailed_once_with_the_file(session, mailbox, month):
    executor = month[0]
    _schedule(session, executor)
    executor_id = executor.id  # the job ends the session
    assert run_nightly("2026-04-01")["export_1c"] == {"exported": 0, "already": 0}  # day 2 not yet reached
    first, second = run_nightly("2026-04-02"), run_nightly("2026-04-02")
    later = run_nightly("2026-04-03")
    assert first["export_1c"] == {"exported": 1, "already": 0}
    assert second["export_1c"] == later["export_1c"] == {"exported": 0, "already": 1}
    sender.deliver(session)
    sender.deliver(session)
    [message] = mailbox.to("1c@landlord.example")
    assert str(make_header(decode_header(message["Subject"]))) == "Выгрузка в 1С: ООО «Бизнес-центр», 01.03.2026–31.03.2026"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "1C_EnterpriseData_7701234567_2026-03-01_2026-03-31.xml"
    assert xdto_schema.problems(attachment.get_content() if isinstance(attachment.get_content(), bytes)
                                else attachment.get_content().encode()) == []
    [run] = session.query(ExportRun).all()
    assert (run.schedule_key, run.email, run.user_id) == (f"monthly:2026-03:{executor_id}", "1c@landlord.example", None)


def test_weekly_schedule_exports_the_previous_week():
    schedule = export_schedule.Schedule(periodicity=export_schedule.WEEKLY, day=1, executor_ids=[1], email="a@b.ru")
    due = export_schedule.due(schedule, date(2026, 4, 8))  # a Wednesday
    assert (due.start, due.end, due.key(1)) == (date(2026, 3, 30), date(2026, 4, 5), "weekly:2026-03-30:1")
    monthly = export_schedule.Schedule(periodicity=export_schedule.MONTHLY, day=1, executor_ids=[1], email="a@b.ru")
    due = export_schedule.due(monthly, date(2027, 1, 1))
    assert (due.start, due.end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert export_schedule.due(export_schedule.Schedule(), date(2026, 4, 8)) is None


def test_schedule_settings_refuse_what_cannot_work(session, month):
    with pytest.raises(ValidationFailed) as refused:
        export_schedule.save(session, export_schedule.Schedule(periodicity=export_schedule.MONTHLY, day=31, executor_ids=[],
                                                               email="not-an-address"))
    assert set(refused.value.errors) == {"day", "executor_ids", "email"}


def test_the_settings_page_is_the_owners(session, client, login_as, month):
    executor = month[0]
    login_as(P.ROLE_OWNER)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "ООО «Бизнес-центр» (ИНН 7701234567)" in page
    refused = client.post(SETTINGS, data={"periodicity": "monthly", "day": "1", "email": ""}).get_data(as_text=True)
    assert "Выберите хотя бы одного исполнителя" in refused and "Укажите адрес" in refused
    saved = client.post(SETTINGS, data={"periodicity": "monthly", "day": "5", "executor_ids": str(executor.id),
                                        "email": "buh@landlord.example"}, follow_redirects=True)
    assert "Настройки выгрузки в 1С сохранены" in saved.get_data(as_text=True)
    assert export_schedule.load(session) == export_schedule.Schedule("monthly", 5, [executor.id], "buh@landlord.example")
    for role in (P.ROLE_ACCOUNTANT, P.ROLE_MANAGER, P.ROLE_VIEWER):
        login_as(role)
        assert client.get(SETTINGS).status_code == 403
