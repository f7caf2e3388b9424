"""Настройки → amoCRM, API-токены and Вебхуки (Owner only); the stage mapping over REST; the
integration user's long-lived token creating a contract from amoCRM and finding it by lead id."""
from sqlalchemy import select

from app.domain import amocrm
from app.models import AmocrmStage, ContractStatusChange
from app.permissions import ROLE_MANAGER, ROLE_OWNER
from tests import factories


def test_settings_page_shows_the_url_and_regenerating_replaces_it(client, session, login_as):
    login_as(ROLE_OWNER)
    page = client.get("/settings/amocrm/")
    assert page.status_code == 200
    old = amocrm.webhook_token(session, create=False)
    assert f"http://localhost/hooks/amocrm/{old}" in page.text
    assert client.post("/settings/amocrm/", data={"subdomain": "Example"}).status_code == 302
    assert client.post("/settings/amocrm/regenerate").status_code == 302
    session.expire_all()
    new = amocrm.webhook_token(session, create=False)
    assert new != old and new in client.get("/settings/amocrm/").text
    assert client.post(f"/hooks/amocrm/{old}", data={}).status_code == 404
    assert client.post(f"/hooks/amocrm/{new}", data={}).status_code == 200
    login_as(ROLE_MANAGER)
    assert client.get("/settings/amocrm/").status_code == 403


def test_stage_mapping_over_rest_owner_only(client, session, api_token):
    owner = api_token(ROLE_OWNER)
    response = client.post("/api/v1/amocrm_stage/", headers=owner,
                           json={"pipeline_id": 0, "status_id": 142, "contract_status": "signed"})
    assert response.status_code == 201, response.text
    assert client.post("/api/v1/amocrm_stage/", headers=owner,
                       json={"pipeline_id": 0, "status_id": 143, "contract_status": "draft"}).status_code in (400, 422)
    assert client.get("/api/v1/amocrm_stage/", headers=api_token(ROLE_MANAGER)).status_code == 403
    assert session.scalar(select(AmocrmStage.contract_status)) == "signed"


def test_integration_token_creates_a_contract_found_by_lead_and_is_revoked(app, client, session, login_as):
    login_as(ROLE_OWNER)
    page = client.post("/settings/api-tokens/", data={"name": "Виджет amoCRM"})
    assert page.status_code == 200
    key = page.text.split('value="arenda_')[1].split('"')[0]
    token = "arenda_" + key
    client.get("/logout/")
    headers = {"Authorization": f"Bearer {token}"}
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    response = client.post("/api/v1/contract/", headers=headers, json={
        "number": "Д-АМО", "date": "2026-01-01", "executor": executor.id, "customer": customer.id, "status": "booked",
        "start_date": "2026-01-01", "amocrm_lead_id": 25399013,
    })
    assert response.status_code == 201, response.text
    found = client.get('/api/v1/contract/?q=(filters:!((col:amocrm_lead_id,opr:eq,value:25399013)))', headers=headers)
    assert found.status_code == 200 and [row["number"] for row in found.json["result"]] == ["Д-АМО"]
    change = session.scalars(select(ContractStatusChange).where(ContractStatusChange.contract_id == response.json["id"])).one()
    assert change.source == "api" and change.changed_by.username == "integration"
    assert client.get("/api/v1/amocrm_stage/", headers=headers).status_code == 403  # Manager rights only

    login_as(ROLE_OWNER)
    listing = client.get("/settings/api-tokens/")
    assert token not in listing.text  # shown once
    uuid = listing.text.split("/settings/api-tokens/revoke/")[1].split('"')[0]
    assert client.post(f"/settings/api-tokens/revoke/{uuid}").status_code == 302
    client.get("/logout/")
    assert client.get("/api/v1/contract/", headers=headers).status_code == 401
