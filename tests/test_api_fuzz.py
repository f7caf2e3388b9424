"""No request to our REST resources answers 500, and every refusal says what is wrong:
schemathesis generates requests from the OpenAPI of the resources in app/api (FAB's own
/security/* and /menu/ are not ours) and sends them, with an Owner's JWT, to the app through its
WSGI interface. A bounded number of examples per operation keeps the run short."""
import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from app.domain.allocation import allocate
from app.extensions import db
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
            try:
                response = case.call(headers=headers)
            finally:
                db.session.rollback()  # as the end of a request does: the next one starts clean
            if not _says_what_is_wrong(response):
                failures.setdefault(operation.label, f"{case.as_curl_command()[:400]} → {response.status_code}: {response.text[-400:]}")

        send()
    assert not failures, "\n".join(f"{label}: {example}" for label, example in sorted(failures.items()))


def test_each_class_of_bad_input_that_answered_500_is_refused_by_field(client, seeded, api_token, session):
    """The classes schemathesis found, once each, with the message a caller reads."""
    from app.models import Contract, Payment

    headers = api_token(ROLE_OWNER)
    contract = session.query(Contract).first()
    payment = session.query(Payment).first()
    cases = [
        ("post", "/api/v1/room/", {"floor": {"id": 1}, "number": "1", "kind": "office", "area": 10},
         "floor", "Ожидается id записи — целое число"),
        ("post", "/api/v1/allocation/", {"payment": payment.id, "invoice": 987654, "amount": 1},
         "invoice", "Нет записи с id 987654"),
        ("put", f"/api/v1/contract/{contract.id}", {"invoice_day": 2**40}, "invoice_day",
         "Слишком большое число: допустимо по модулю меньше 2147483647"),
        ("put", f"/api/v1/contract/{contract.id}", {"monthly_rent": "1e15"}, "monthly_rent",
         "Слишком большое число: допустимо по модулю меньше 1000000000000"),
        ("put", f"/api/v1/contract/{contract.id}", {"end_date": "9999-12-31"}, "end_date",
         "Дата должна быть между 01.01.1900 и 31.12.2199"),
        ("put", f"/api/v1/contract/{contract.id}", {"comment": "a\u0000b"}, "comment",
         "Недопустимые символы в тексте (нулевой символ или одиночный суррогат UTF-16)"),
    ]
    for method, url, body, field, message in cases:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 422, (url, body, response.json)
        assert response.json["message"] == {field: [message]}
    session.expire_all()
    assert session.get(Contract, contract.id).end_date != date(9999, 12, 31)


def test_ids_the_database_cannot_hold_are_not_found_in_json(client, seeded, api_token):
    headers = api_token(ROLE_OWNER)
    for method, url in (("get", "/api/v1/contract/99999999999999999999999"), ("put", "/api/v1/contract/abc"),
                        ("delete", "/api/v1/invoice/99999999999999999999999"), ("get", "/api/v1/contract/-5")):
        response = getattr(client, method)(url, json={}, headers=headers)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.is_json and response.json["message"], url
