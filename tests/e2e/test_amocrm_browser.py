"""In the browser: the permanent link through the login to the card, its history saying «amoCRM»;
the amoCRM settings page and the webhooks list (screenshots in /tmp/shots-amocrm when kept)."""
import os
from pathlib import Path

from app.domain import amocrm
from app.domain.enums import ContractStatus, WebhookEvent
from app.models import AmocrmStage, WebhookEndpoint
from app.permissions import ROLE_OWNER
from tests import factories
from tests.conftest import PASSWORD, role_username

SHOTS = Path(os.environ.get("ARENDA_SHOTS", "/tmp/shots-amocrm"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_link_card_history_settings_and_webhooks(page, session, live_server):
    session.add(AmocrmStage(pipeline_id=0, status_id=142, contract_status=ContractStatus.SIGNED.value, comment="Успешно"))
    session.add(WebhookEndpoint(url="https://example.org/arenda-hook", event=WebhookEvent.CONTRACT_STATUS_CHANGED.value))
    contract = factories.contract(session, number="Д-БРАУЗЕР", status=ContractStatus.ON_SIGNING.value, amocrm_lead_id=31)
    token = amocrm.webhook_token(session)
    session.commit()
    answer = page.request.post(f"{live_server}/hooks/amocrm/{token}", form={
        "leads[status][0][id]": "31", "leads[status][0][status_id]": "142", "leads[status][0][pipeline_id]": "3508507",
        "account[subdomain]": "example"})
    assert answer.status == 200

    page.goto(f"/c/{contract.link_key}")
    page.fill("input[name=username]", role_username(ROLE_OWNER))
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/contractview/show/{contract.id}")
    assert page.input_value("#permanent-link-url").endswith(f"/c/{contract.link_key}")
    shot(page, "contract-card")
    page.click("text=История статусов")
    history = page.locator("table:visible").filter(has_text="Подписан").last.inner_text()
    assert "На подписании" in history and "amoCRM" in history
    shot(page, "contract-history")

    page.goto("/settings/amocrm/")
    assert f"/hooks/amocrm/{token}" in page.input_value("#webhook-url")
    shot(page, "amocrm-settings")
    page.goto("/webhookendpointview/list/")
    assert "example.org/arenda-hook" in page.inner_text("body")
    shot(page, "webhooks")
    page.goto("/webhookdeliveryview/list/")
    shot(page, "webhook-deliveries")
