"""The permanent contract link `/c/<key>` (SPEC §4, Bitrix24): on the card with a copy button,
through the login and back to the card; random, stable across edits; an unknown key is 404."""
from app.permissions import ROLE_MANAGER
from tests import factories
from tests.conftest import role_username, PASSWORD


def test_the_link_logs_in_and_lands_on_the_card(client, session):
    contract = factories.contract(session, number="Д-ССЫЛКА")
    session.commit()
    link = f"/c/{contract.link_key}"
    assert contract.link_key != str(contract.id) and len(contract.link_key) >= 16  # random, not the id

    to_login = client.get(link)
    assert to_login.status_code == 302 and "/login/" in to_login.location
    logged_in = client.post(to_login.location, data={"username": role_username(ROLE_MANAGER), "password": PASSWORD})
    assert logged_in.status_code == 302
    back = client.get(logged_in.location)
    assert back.status_code == 302 and back.location.endswith(f"/contractview/show/{contract.id}")
    card = client.get(back.location)
    assert card.status_code == 200
    assert "Д-ССЫЛКА" in card.text and f"http://localhost{link}" in card.text and "copy-permanent-link" in card.text


def test_the_key_survives_edits_and_an_unknown_key_is_404(client, session, login_as, api_token):
    contract = factories.contract(session)
    session.commit()
    key = contract.link_key
    response = client.put(f"/api/v1/contract/{contract.id}", json={"number": "Д-НОВЫЙ", "link_key": "mine"},
                          headers=api_token(ROLE_MANAGER))
    assert response.status_code in (400, 422)  # the key is not a field anyone writes
    response = client.put(f"/api/v1/contract/{contract.id}", json={"number": "Д-НОВЫЙ"}, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 200, response.text
    session.expire_all()
    assert contract.number == "Д-НОВЫЙ" and contract.link_key == key
    login_as(ROLE_MANAGER)
    assert client.get(f"/c/{key}").location.endswith(f"/contractview/show/{contract.id}")
    assert client.get("/c/no-such-key").status_code == 404
    assert client.get(f"/c/{contract.id}").status_code == 404
