"""No request to our REST resources answers 500, and every refusal says what is wrong:
schemathesis generates requests from the OpenAPI of the resources in app/api (FAB's own
/security/* and /menu/ are not ours) and sends them, with an Owner's JWT, to the app through its
WSGI interface. A bounded number of examples per operation keeps the run short."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from app.domain.allocation import allocate
from app.api.resources import RESOURCES
from app.permissions import ROLE_OWNER
from tests import factories

OURS = "^/api/v1/(" + "|".join(re.escape(api.resource_name) for api in RESOURCES) + ")/"


@pytest.fixture()
def seeded(session):
    """A few objects of every resource, so that generated ids sometimes exist."""
    for _ in range(2):
        room = factories.room(session)
        contract = factories.contract(session, rooms=[room])
        invoice = factories.invoice(session, contract, status="issued")
        factories.act(session, contract)
        payment = factories.payment(session)
        allocate(session, payment, invoice, payment.amount / 2)
    session.commit()


def _says_what_is_wrong(response):
    if response.status_code >= 500:
        return False
    if response.status_code < 400:
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("message") or body.get("msg"))


def test_no_request_answers_500_and_every_refusal_says_why(app, client, seeded, api_token, monkeypatch):
    monkeypatch.setitem(app.config, "FAB_API_SHOW_STACKTRACE", True)  # a 500's body tells where it broke
    headers = api_token(ROLE_OWNER)
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=headers).include(path_regex=OURS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60  # every resource's list, card, info, add, edit and delete
    failures = {}

    for operation in operations:
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  phases=[Phase.explicit, Phase.generate], database=None)
        @given(case=operation.as_strategy())
        def send(case):
            response = case.call(headers=headers)
            if not _says_what_is_wrong(response):
                failures.setdefault(operation.label, f"{case.as_curl_command()[:400]} → {response.status_code}: {response.text[-400:]}")

        send()
    assert not failures, "\n".join(f"{label}: {example}" for label, example in sorted(failures.items()))
