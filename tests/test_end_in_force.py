"""Registration is required by the end in force: an agreement that extends a contract beyond
364 days brings it to the needs-attention list, an early termination below 365 days keeps it
off (the SQL rule reads contract.end_in_force, kept by the save hooks of the admin and the API)."""
import importlib.util
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, update

from app.domain import attention
from app.domain.contracts import end_in_force, registration_required
from app.domain.enums import ContractStatus
from app.models import Agreement, Contract
from app.permissions import ROLE_MANAGER
from tests import factories

START = date(2026, 1, 1)


def flagged(session, contract_id, today):
    """Is the contract listed as "requires registration", and does the Python rule agree?"""
    session.expire_all()
    contract = session.get(Contract, contract_id)
    rule = attention.rule("contracts", "not_registered")
    listed = session.scalar(select(Contract.id).where(rule.predicate(today), Contract.id == contract_id)) is not None
    assert listed == registration_required(contract.start_date, end_in_force(contract))
    return listed


def post_agreement(client, api_token, contract_id, **fields):
    response = client.post("/api/v1/agreement/", headers=api_token(ROLE_MANAGER), json={
        "contract": contract_id, "number": "1", "date": START.isoformat(), "notify_days_before": 7, **fields,
    })
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_an_agreement_extending_a_contract_to_400_days_requires_registration(session, client, api_token, login_as, today):
    contract_id = factories.contract(session, start_date=START, end_date=START + timedelta(days=299), has_original=True).id
    session.commit()
    assert not flagged(session, contract_id, today)  # 300 days
    agreement_id = post_agreement(client, api_token, contract_id, start_date=(START + timedelta(days=100)).isoformat(),
                                  new_end_date=(START + timedelta(days=399)).isoformat())
    assert flagged(session, contract_id, today)  # 400 days by the agreement
    assert "Требует регистрации (дольше 364 дней)" in attention.reasons(session, "contracts", [contract_id], today)[contract_id]
    login_as(ROLE_MANAGER).post(f"/agreementview/delete/{agreement_id}")
    assert not flagged(session, contract_id, today)  # the agreement gone, 300 days again


def test_early_termination_below_365_days_needs_no_registration(session, client, api_token, today):
    contract_id = factories.contract(session, start_date=START, end_date=START + timedelta(days=399), has_original=True).id
    session.commit()
    assert flagged(session, contract_id, today)  # 400 days
    post_agreement(client, api_token, contract_id, start_date=(START + timedelta(days=200)).isoformat(), terminates=True)
    assert not flagged(session, contract_id, today)  # ends after 200 days
    assert session.get(Contract, contract_id).end_in_force == START + timedelta(days=199)


def test_changing_the_end_date_in_the_admin_moves_the_end_in_force(session, client, api_token, today):
    contract_id = factories.contract(session, start_date=START, end_date=START + timedelta(days=299), has_original=True).id
    session.commit()
    response = client.put(f"/api/v1/contract/{contract_id}", headers=api_token(ROLE_MANAGER),
                          json={"end_date": (START + timedelta(days=499)).isoformat()})
    assert response.status_code == 200, response.json
    assert flagged(session, contract_id, today)


def test_generated_demo_contracts_carry_their_end_in_force(app, session, today):
    result = app.test_cli_runner().invoke(args=["demo", "generate", "--contracts", "12"])
    assert result.exit_code == 0, result.output
    contracts = session.scalars(select(Contract)).all()
    assert contracts and all(c.end_in_force == c.end_date for c in contracts)
    long_unregistered = {c.id for c in contracts if c.status == ContractStatus.SIGNED.value and (c.end_date - c.start_date).days + 1 > 364}
    listed = {row["id"] for row in attention.listing(session, today, ["contracts"])["contracts"]
              if "Требует регистрации (дольше 364 дней)" in row["reasons"]}
    assert long_unregistered and long_unregistered <= listed


def test_the_migration_fills_the_end_in_force_of_existing_contracts(session):
    path = next((Path(__file__).resolve().parent.parent / "migrations" / "versions").glob("*_layers_end_in_force.py"))
    spec = importlib.util.spec_from_file_location("end_in_force_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    plain = factories.contract(session, start_date=START, end_date=START + timedelta(days=299))
    open_ended = factories.contract(session, start_date=START, end_date=None)
    extended = factories.contract(session, start_date=START, end_date=START + timedelta(days=299))
    cut = factories.contract(session, start_date=START, end_date=START + timedelta(days=399))
    for number, start, fields in (("1", 100, {"new_end_date": START + timedelta(days=399)}),
                                  ("2", 50, {"new_end_date": START + timedelta(days=999)})):  # the later start wins
        session.add(Agreement(contract=extended, number=number, date=START, start_date=START + timedelta(days=start), **fields))
    session.add(Agreement(contract=cut, number="1", date=START, start_date=START + timedelta(days=200), terminates=True))
    session.flush()
    session.execute(update(Contract).values(end_in_force=date(2000, 1, 1)))  # as before the column was kept
    migration.fill_end_in_force(session.connection())
    session.expire_all()
    assert {c.id: c.end_in_force for c in session.scalars(select(Contract))} == {
        plain.id: START + timedelta(days=299), open_ended.id: None,
        extended.id: START + timedelta(days=399), cut.id: START + timedelta(days=199),
    }
