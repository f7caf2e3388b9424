"""The CRUD hooks are shared by both doors: a contract's status history names the acting user
whether the status changed in the admin form or through the REST API."""
from app.hooks.actor import current_user_id
from app.models import Contract
from app.permissions import ROLE_MANAGER
from tests import factories
from tests.conftest import role_username


def test_a_rest_status_change_records_the_api_user(app, client, api_token, session):
    contract = factories.contract(session, status="booked")
    session.commit()
    manager = app.appbuilder.sm.find_user(username=role_username(ROLE_MANAGER))
    response = client.put(f"/api/v1/contract/{contract.id}", json={"status": "signed"}, headers=api_token(ROLE_MANAGER))
    assert response.status_code == 200, response.json
    session.expire_all()
    changes = session.get(Contract, contract.id).status_history
    assert [(c.old_status, c.new_status, c.source, c.changed_by_id) for c in changes] == [("booked", "signed", "api", manager.id)]


def test_nobody_acts_outside_a_request(app):
    with app.app_context():
        assert current_user_id() is None
    assert current_user_id() is None
