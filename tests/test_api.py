"""REST API: JWT login, OpenAPI, SPEC §6 field names, and the same validation as the forms."""
from decimal import Decimal

from app.models import Contract, Counterparty
from app.permissions import ROLE_MANAGER
from tests import factories


def test_openapi_lists_the_resources(client, api_token):
    spec = client.get("/api/v1/_openapi", headers=api_token(ROLE_MANAGER)).json
    paths = set(spec["paths"])
    for resource in ("counterparty", "bank_account", "building", "section", "floor", "room", "contract",
                     "agreement", "invoice", "act", "payment", "allocation"):
        assert f"/api/v1/{resource}/" in paths, resource


def test_counterparty_roundtrip_with_spec_fields(client, api_token, session):
    headers = api_token(ROLE_MANAGER)
    body = {"name": "ООО «Ромашка»", "kind": "legal", "inn": "7707083893", "kpp": "773601001", "is_executor": False,
            "is_customer": True, "email": "office@romashka.ru", "recipient_emails": "buh@romashka.ru, ceo@romashka.ru"}
    response = client.post("/api/v1/counterparty/", json=body, headers=headers)
    assert response.status_code == 201, response.json
    shown = client.get(f"/api/v1/counterparty/{response.json['id']}", headers=headers).json["result"]
    for field in ("name", "inn", "kpp", "is_executor", "is_customer", "email", "doc_prefix", "reply_to_email",
                  "vat_invoices_enabled", "recipient_emails"):
        assert field in shown
    assert shown["inn"] == "7707083893"


def test_invalid_requisites_are_refused_with_messages_by_field(client, api_token, session):
    headers = api_token(ROLE_MANAGER)
    response = client.post("/api/v1/counterparty/", json={"name": "ООО «Ошибка»", "kind": "legal", "inn": "7707083894",
                                                          "kpp": "12", "email": "not-an-email"}, headers=headers)
    assert response.status_code == 422
    message = response.json["message"]
    assert message["inn"] == ["Неверный ИНН: не сходится контрольное число"]
    assert "kpp" in message and "email" in message
    assert session.query(Counterparty).filter_by(name="ООО «Ошибка»").count() == 0


def test_bank_account_key_checked_against_bik(client, api_token, session):
    party = factories.customer(session)
    session.commit()
    response = client.post("/api/v1/bank_account/", json={"counterparty": party.id, "account": "40702810400000000001",
                                                           "bik": "044525225"}, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 422
    assert response.json["message"]["account"] == ["Номер счёта не соответствует БИК: не сходится контрольный ключ"]


def test_contract_with_rooms_and_status_history(client, api_token, session):
    executor, customer = factories.executor(session), factories.customer(session)
    room = factories.room(session, area=Decimal("42.50"), rent_rate=Decimal("24000"))
    session.commit()
    headers = api_token(ROLE_MANAGER)
    body = {"number": "API-1", "date": "2026-03-01", "executor": executor.id, "customer": customer.id, "status": "booked",
            "start_date": "2026-04-01", "end_date": "2027-02-28", "rooms": [{"room": room.id}], "amocrm_lead_id": 123456}
    response = client.post("/api/v1/contract/", json=body, headers=headers)
    assert response.status_code == 201, response.json
    contract_id = response.json["id"]
    shown = client.get(f"/api/v1/contract/{contract_id}", headers=headers).json["result"]
    assert shown["rooms"] == [{"room": room.id, "area": "42.50", "rate": "24000.00"}]
    assert shown["amocrm_lead_id"] == 123456
    response = client.put(f"/api/v1/contract/{contract_id}", json={"status": "signed"}, headers=headers)
    assert response.status_code == 200, response.json
    contract = session.get(Contract, contract_id)
    assert [(c.old_status, c.new_status, c.source) for c in contract.status_history] == [
        (None, "booked", "api"), ("booked", "signed", "api")]


def test_contract_end_before_start_refused(client, api_token, session):
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    body = {"number": "API-2", "date": "2026-03-01", "executor": executor.id, "customer": customer.id,
            "start_date": "2026-04-01", "end_date": "2026-03-01"}
    response = client.post("/api/v1/contract/", json=body, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 422
    assert response.json["message"] == {"end_date": ["Дата окончания не может быть раньше даты начала"]}


def test_allocation_cannot_exceed_the_invoice(client, api_token, session):
    invoice = factories.invoice(session, amount=Decimal("1000.00"))
    payment = factories.payment(session, amount=Decimal("5000.00"))
    session.commit()
    headers = api_token(ROLE_MANAGER)
    response = client.post("/api/v1/allocation/", json={"payment": payment.id, "invoice": invoice.id, "amount": "1500.00"},
                           headers=headers)
    assert response.status_code == 422
    assert "неоплаченного остатка счёта" in response.json["message"]["amount"][0]
    response = client.post("/api/v1/allocation/", json={"payment": payment.id, "invoice": invoice.id, "amount": "1000.00"},
                           headers=headers)
    assert response.status_code == 201, response.json
    session.expire_all()
    assert client.get(f"/api/v1/invoice/{invoice.id}", headers=headers).json["result"]["payment_state"] == "paid"


def test_payment_shows_internal_transfer_read_only(client, api_token, session):
    transfer = factories.payment(session, internal_transfer=True)
    session.commit()
    headers = api_token(ROLE_MANAGER)

    shown = client.get(f"/api/v1/payment/{transfer.id}", headers=headers).json["result"]
    changed = client.put(f"/api/v1/payment/{transfer.id}", json={"internal_transfer": False}, headers=headers)

    assert shown["internal_transfer"] is True
    assert changed.status_code == 422 and "internal_transfer" in changed.json["message"]  # unknown field: refused
    session.expire_all()
    assert session.get(type(transfer), transfer.id).internal_transfer is True


def test_each_request_is_judged_by_its_own_token(client, api_token, session):
    from app.permissions import ROLE_TARIFF

    manager, tariff = api_token(ROLE_MANAGER), api_token(ROLE_TARIFF)
    assert client.get("/api/v1/contract/", headers=manager).status_code == 200
    assert client.get("/api/v1/contract/", headers=tariff).status_code == 403
    assert client.get("/api/v1/contract/").status_code == 401


def test_a_negative_page_is_refused_with_a_message(client, api_token, session):
    factories.customer(session)
    session.commit()
    headers = api_token(ROLE_MANAGER)
    refused = client.get("/api/v1/counterparty/?q=(page:-3)", headers=headers)
    assert refused.status_code == 400 and refused.json["message"] == "Номер страницы (page) — целое число от 0"
    listed = client.get("/api/v1/counterparty/?q=(page:0)", headers=headers)
    assert listed.status_code == 200 and listed.json["count"] == 1
