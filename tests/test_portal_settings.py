"""Настройки → Настройки портала: a form of labelled, typed fields with help lines; saved through
the settings functions (the audit log sees it), bad input refused next to its field with nothing
saved, the secret never shown and kept when left blank; the Owner's page only."""
import json
import re

import pytest
from sqlalchemy import select

from app.domain import amocrm, feeds, indexation, settings
from app.imports import loader
from app.models import AuditEntry, Setting
from app.permissions import ROLE_MANAGER, ROLE_OWNER, ROLE_VIEWER

PAGE = "/portalsettings/form"
FORM = {
    "base_url": "https://arenda.landlord.example/", "phone": "+7 495 123-45-67", "import_max_mb": "20",
    "indexation_days_ahead": "45", "amocrm_subdomain": "Landlord", "amocrm_token": "",
}


def saved(session):
    return dict(session.execute(select(Setting.key, Setting.value)).all())


def test_the_page_shows_each_setting_as_a_labelled_field_with_its_help(client, session, login_as):
    settings.put(session, indexation.DAYS_AHEAD_KEY, "40")
    settings.put(session, amocrm.TOKEN_KEY, "a-saved-secret-of-the-webhook")
    session.commit()
    login_as(ROLE_OWNER)

    page = client.get(PAGE).text

    for field, kind, label in [
        ("base_url", "url", "Адрес портала"), ("phone", "text", "Телефон в объявлениях"),
        ("import_max_mb", "number", "Наибольший размер выписки, МБ"),
        ("indexation_days_ahead", "number", "Проект допсоглашения об индексации, дней до неё"),
        ("amocrm_subdomain", "text", "Поддомен amoCRM"), ("amocrm_token", "password", "Секрет вебхука amoCRM"),
    ]:
        assert re.search(rf'<label for="{field}"[^>]*>\s*{label}\s*</label>', page), label
        assert re.search(rf'<input class="form-control" id="{field}"[^>]* type="{kind}"', page), field
    assert "Пусто — 50 МБ" in page and "для example.amocrm.ru — example" in page  # help lines
    assert 'value="40"' in page
    assert "Сохранён: ••••" in page and "a-saved-secret-of-the-webhook" not in page
    assert "/mailsettings/form" in page  # the settings with pages of their own are linked


def test_a_secret_never_saved_is_said_to_be_not_set(client, login_as):
    login_as(ROLE_OWNER)

    page = client.get(PAGE).text

    assert "Не задан. Часть адреса вебхука" in page and "Не задан: —" not in page and "••••" not in page


def test_saving_stores_typed_values_keeps_the_blank_secret_and_is_audited(client, session, login_as):
    settings.put(session, amocrm.TOKEN_KEY, "a-saved-secret-of-the-webhook")
    session.commit()
    login_as(ROLE_OWNER)

    response = client.post(PAGE, data=FORM, follow_redirects=True)

    assert "Настройки портала сохранены" in response.text
    assert saved(session) == {
        feeds.BASE_URL_KEY: "https://arenda.landlord.example", feeds.PHONE_KEY: "+7 495 123-45-67",
        loader.SIZE_SETTING: "20", indexation.DAYS_AHEAD_KEY: "45", amocrm.SUBDOMAIN_KEY: "landlord",
        amocrm.TOKEN_KEY: "a-saved-secret-of-the-webhook",
    }
    assert indexation.days_ahead(session) == 45 and loader.max_bytes(session) == 20 * 1024 * 1024
    logged = {json.loads(e.changes)["value"][1] if e.changes else None
              for e in session.scalars(select(AuditEntry).where(AuditEntry.kind == "setting"))}
    assert "45" in logged and "landlord" in logged

    client.post(PAGE, data=dict(FORM, amocrm_token="a-new-secret-typed-by-hand", import_max_mb=""))
    assert settings.get(session, amocrm.TOKEN_KEY) == "a-new-secret-typed-by-hand"
    assert settings.get(session, loader.SIZE_SETTING) is None  # blank: the default again
    assert loader.max_bytes(session) == loader.DEFAULT_MAX_MB * 1024 * 1024


@pytest.mark.parametrize("field, value, message", [
    ("base_url", "arenda.landlord.example", "Адрес сайта: начните с https://"),
    ("phone", "12345", "Телефон: укажите 10 цифр номера"),
    ("import_max_mb", "0", "Укажите целое число от 1 до 1000"),
    ("indexation_days_ahead", "много", "Укажите целое число"),
    ("amocrm_subdomain", "landlord.amocrm.ru", "Поддомен amoCRM — латинские буквы, цифры и дефис"),
    ("amocrm_token", "short", "Секрет — от 16 до 100 символов"),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, session, login_as, field, value, message):
    login_as(ROLE_OWNER)

    response = client.post(PAGE, data=dict(FORM, **{field: value}))

    assert response.status_code == 200 and message in response.text
    assert saved(session) == {}


@pytest.mark.parametrize("role", [ROLE_VIEWER, ROLE_MANAGER])
def test_only_the_owner_opens_or_saves_the_page(client, session, login_as, role):
    login_as(role)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data=FORM).status_code == 403
    assert saved(session) == {}
