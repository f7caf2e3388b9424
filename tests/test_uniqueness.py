"""A counterparty's INN+KPP and a contract's number per executor are unique: both doors refuse a
duplicate before the database does, naming the record already there (a link in the admin, the
id over REST); saving a record unchanged never collides with itself; the database holds the
same invariant for whatever slips past (answered 409, not 500)."""
import pytest
from sqlalchemy.exc import IntegrityError

from app.models import Contract, Counterparty
from app.permissions import ROLE_MANAGER
from tests import factories
from tests.test_views import contract_form

ROMASHKA = dict(name="ООО «Ромашка»", inn="7707083893", kpp="773601001")


def party_form(**fields):
    form = {"kind": "legal", "name": "ООО «Двойник»", "inn": ROMASHKA["inn"], "kpp": ROMASHKA["kpp"],
            "default_vat_rate": "0.2", "is_customer": "y"}
    form.update(fields)
    return form


def test_admin_names_the_counterparty_with_the_same_inn_and_kpp_with_a_link(client, login_as, session):
    existing = factories.customer(session, **ROMASHKA)
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.post("/counterpartyview/add", data=party_form()).get_data(as_text=True)
    assert ("Контрагент с ИНН 7707083893 и КПП 773601001 уже есть: "
            f'<a href="/counterpartyview/show/{existing.id}">ООО «Ромашка»</a>') in page
    field_at, error_at = page.index('name="inn"'), page.index("Контрагент с ИНН")
    assert 0 < error_at - field_at < 1500, "the message should follow the INN input"
    assert session.query(Counterparty).filter_by(inn=ROMASHKA["inn"]).count() == 1


def test_same_inn_with_another_kpp_is_a_branch_and_is_saved(client, login_as, session):
    factories.customer(session, **ROMASHKA)
    session.commit()
    login_as(ROLE_MANAGER)
    response = client.post("/counterpartyview/add", data=party_form(name="ООО «Ромашка» (филиал)", kpp="773602001"))
    assert response.status_code == 302
    assert session.query(Counterparty).filter_by(inn=ROMASHKA["inn"]).count() == 2


def test_inn_without_kpp_is_unique_among_cards_without_kpp(client, api_token, session):
    existing = factories.customer(session, name="ИП Иванов", kind="sole", inn="500100732259", kpp=None)
    session.commit()
    headers = api_token(ROLE_MANAGER)
    body = {"name": "ИП Иванов П. С.", "kind": "sole", "inn": "500100732259", "kpp": ""}  # empty counts as none
    response = client.post("/api/v1/counterparty/", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["message"]["inn"] == [f"Контрагент с ИНН 500100732259 без КПП уже есть: ИП Иванов (id {existing.id})"]
    assert session.query(Counterparty).filter_by(inn="500100732259").count() == 1


def test_rest_names_the_existing_counterparty_and_its_id(client, api_token, session):
    existing = factories.customer(session, **ROMASHKA)
    session.commit()
    body = {"name": "ООО «Двойник»", "kind": "legal", "inn": ROMASHKA["inn"], "kpp": ROMASHKA["kpp"]}
    response = client.post("/api/v1/counterparty/", json=body, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 422
    assert response.json["message"] == {
        "inn": [f"Контрагент с ИНН 7707083893 и КПП 773601001 уже есть: ООО «Ромашка» (id {existing.id})"]
    }


def test_editing_a_counterparty_without_changing_its_inn_is_fine_at_both_doors(client, login_as, api_token, session):
    existing = factories.customer(session, **ROMASHKA)
    session.commit()
    response = client.put(f"/api/v1/counterparty/{existing.id}", json={"phone": "+7 495 000-00-00", "inn": ROMASHKA["inn"]},
                          headers=api_token(ROLE_MANAGER))
    assert response.status_code == 200, response.json
    login_as(ROLE_MANAGER)
    response = client.post(f"/counterpartyview/edit/{existing.id}", data=party_form(name="ООО «Ромашка» (новое имя)"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Counterparty, existing.id).name == "ООО «Ромашка» (новое имя)"


def test_editing_into_another_cards_inn_is_refused(client, api_token, session):
    factories.customer(session, **ROMASHKA)
    other = factories.customer(session)
    session.commit()
    response = client.put(f"/api/v1/counterparty/{other.id}", json=dict(inn=ROMASHKA["inn"], kpp=ROMASHKA["kpp"]),
                          headers=api_token(ROLE_MANAGER))
    assert response.status_code == 422
    assert "уже есть: ООО «Ромашка»" in response.json["message"]["inn"][0]


def test_admin_refuses_a_contract_number_the_executor_already_has_with_a_link(client, login_as, session):
    form = contract_form(session, number="Ф-7")
    executor = session.get(Counterparty, form["executor"])
    existing = factories.contract(session, executor=executor, number="Ф-7")
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.post("/contractview/add", data=form).get_data(as_text=True)
    assert f"У исполнителя {executor.name} уже есть договор № Ф-7: " in page
    assert f'<a href="/contractview/show/{existing.id}">' in page
    assert session.query(Contract).filter_by(number="Ф-7").count() == 1


def test_the_same_contract_number_at_another_executor_is_fine(client, login_as, session):
    form = contract_form(session, number="Ф-8")
    factories.contract(session, number="Ф-8")  # another executor
    session.commit()
    login_as(ROLE_MANAGER)
    assert client.post("/contractview/add", data=form).status_code == 302
    assert session.query(Contract).filter_by(number="Ф-8").count() == 2


def test_rest_refuses_a_duplicate_contract_number_and_keeps_edits_of_itself(client, api_token, session):
    existing = factories.contract(session, number="Д-77")
    customer = factories.customer(session)
    session.commit()
    headers = api_token(ROLE_MANAGER)
    body = {"number": "Д-77", "date": "2026-03-01", "executor": existing.executor_id, "customer": customer.id,
            "status": "draft", "start_date": "2026-04-01"}
    response = client.post("/api/v1/contract/", json=body, headers=headers)
    assert response.status_code == 422
    [message] = response.json["message"]["number"]
    assert message.startswith(f"У исполнителя {existing.executor.name} уже есть договор № Д-77: № Д-77 от ")
    assert message.endswith(f"(id {existing.id})")
    response = client.put(f"/api/v1/contract/{existing.id}", json={"number": "Д-77", "comment": "тот же"}, headers=headers)
    assert response.status_code == 200, response.json


def test_database_refuses_duplicates_that_skip_the_checks(session):
    factories.customer(session, **ROMASHKA)
    session.commit()
    for kpp in (ROMASHKA["kpp"],):
        with pytest.raises(IntegrityError):
            factories.customer(session, inn=ROMASHKA["inn"], kpp=kpp)
        session.rollback()
    factories.customer(session, inn=ROMASHKA["inn"], kpp=None)
    with pytest.raises(IntegrityError):
        factories.customer(session, inn=ROMASHKA["inn"], kpp="")  # NULL and empty are the same "no KPP"
    session.rollback()
    factories.customer(session, inn=None, kpp=None)
    factories.customer(session, inn=None, kpp=None)  # cards without an INN are not compared
    contract = factories.contract(session, number="Д-1")
    with pytest.raises(IntegrityError):
        factories.contract(session, executor=contract.executor, number="Д-1")
    session.rollback()


def test_a_duplicate_that_races_past_the_check_answers_409(client, api_token, session, monkeypatch):
    from app.domain import uniqueness

    factories.customer(session, **ROMASHKA)
    session.commit()
    monkeypatch.setitem(uniqueness.RULES, "counterparty", {})  # as if the other request committed after our check
    headers = api_token(ROLE_MANAGER)
    body = {"name": "ООО «Двойник»", "kind": "legal", "inn": ROMASHKA["inn"], "kpp": ROMASHKA["kpp"]}
    response = client.post("/api/v1/counterparty/", json=body, headers=headers)
    assert response.status_code == 409
    assert "такая запись уже есть" in response.json["message"]
    other = factories.customer(session)
    session.commit()
    response = client.put(f"/api/v1/counterparty/{other.id}", json=dict(inn=ROMASHKA["inn"], kpp=ROMASHKA["kpp"]), headers=headers)
    assert response.status_code == 409
    assert "такая запись уже есть" in response.json["message"]
