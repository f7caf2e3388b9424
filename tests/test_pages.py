"""One transaction boundary for our own pages: every custom POST checks the CSRF token the same
way (refused with 400, nothing changed), commits what succeeded and flashes a refusal."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import card_payments
from app.models import Invoice, Setting
from app.permissions import ROLE_OWNER
from tests import factories


@pytest.fixture()
def csrf_on(app, monkeypatch):
    """Turn CSRF checks on (after signing in: the login form has its own token)."""
    return lambda: monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_test_email_needs_the_pages_csrf_token(client, session, login_as, mailbox, csrf_on):
    login_as(ROLE_OWNER)
    csrf_on()
    forged = client.post("/mailsettings/test", data={"to": "check@landlord.example"})
    assert forged.status_code == 400
    assert mailbox.to("check@landlord.example") == []
    page = client.get("/mailsettings/form").get_data(as_text=True)
    sent = client.post("/mailsettings/test", data={"to": "check@landlord.example", "csrf_token": _token(page)},
                       follow_redirects=True)
    assert "Проверочное письмо отправлено на check@landlord.example" in sent.text
    assert len(mailbox.to("check@landlord.example")) == 1


def test_state_changes_without_the_token_change_nothing(client, session, login_as, csrf_on):
    invoice = factories.invoice(session, amount=Decimal("500.00"))
    card_payments.save(session, [card_payments.Rule("Банк", "", r"Клиент (?P<name>\w+)")])
    session.commit()
    login_as(ROLE_OWNER)
    csrf_on()
    for url in (f"/invoiceview/cancel/{invoice.id}", "/settings/card-payer-rules/reset", "/settings/card-payer-rules/"):
        assert client.post(url, data={}).status_code == 400, url
    session.expire_all()
    assert session.scalar(select(Invoice.status).where(Invoice.id == invoice.id)) == "issued"
    assert session.get(Setting, card_payments.SETTING) is not None
    card = client.get(f"/invoiceview/show/{invoice.id}").get_data(as_text=True)
    done = client.post(f"/invoiceview/cancel/{invoice.id}", data={"csrf_token": _token(card)}, follow_redirects=True)
    assert "Документ отменён" in done.text
    again = client.post(f"/invoiceview/cancel/{invoice.id}", data={"csrf_token": _token(card)}, follow_redirects=True)
    assert "Документ уже отменён" in again.text  # the refusal flashed, the transaction rolled back
