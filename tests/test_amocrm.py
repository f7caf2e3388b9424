"""amoCRM's webhook (SPEC §4, FORMATS.md §E.1): real-shaped form bodies move linked contracts
along the mapped stages; history says «amoCRM»; replays, unknown leads and stages, a wrong token
and forbidden transitions change nothing."""
from datetime import date
from urllib.parse import urlencode

from sqlalchemy import select

from app.domain import amocrm
from app.domain.enums import ContractStatus
from app.models import AmocrmStage, ContractStatusChange, Invoice
from tests import factories

PIPELINE = 3508507


def lead(index, lead_id, status_id, old_status_id=7039101, pipeline_id=PIPELINE, action="status"):
    prefix = f"leads[{action}][{index}]"
    return [
        (f"{prefix}[id]", str(lead_id)), (f"{prefix}[name]", "Офис 301"), (f"{prefix}[status_id]", str(status_id)),
        (f"{prefix}[old_status_id]", str(old_status_id)), (f"{prefix}[pipeline_id]", str(pipeline_id)),
        (f"{prefix}[old_pipeline_id]", str(pipeline_id)), (f"{prefix}[price]", "120000"),
        (f"{prefix}[responsible_user_id]", "123"), (f"{prefix}[last_modified]", "1711875600"),
        (f"{prefix}[custom_fields][0][id]", "1"), (f"{prefix}[custom_fields][0][values][0][value]", "x"),
        (f"{prefix}[account_id]", "7039099"),
    ]


def body(*leads, subdomain="example"):
    pairs = [pair for group in leads for pair in group] + [("account[subdomain]", subdomain), ("account[id]", "7039099")]
    return urlencode(pairs)


def post(client, token, data):
    return client.post(f"/hooks/amocrm/{token}", data=data, content_type="application/x-www-form-urlencoded")


def setup(session):
    token = amocrm.webhook_token(session)
    session.add_all([
        AmocrmStage(pipeline_id=PIPELINE, status_id=7039102, contract_status=ContractStatus.BOOKED.value),
        AmocrmStage(pipeline_id=PIPELINE, status_id=7039103, contract_status=ContractStatus.ON_SIGNING.value),
        AmocrmStage(pipeline_id=0, status_id=142, contract_status=ContractStatus.SIGNED.value),
        AmocrmStage(pipeline_id=0, status_id=143, contract_status=ContractStatus.CANCELLED.value),
    ])
    session.commit()
    return token


def history(session, contract):
    return session.execute(
        select(ContractStatusChange.old_status, ContractStatusChange.new_status, ContractStatusChange.source)
        .where(ContractStatusChange.contract_id == contract.id).order_by(ContractStatusChange.id)
    ).all()


def test_several_leads_mapped_unmapped_won_lost_unknown_and_replayed(client, session):
    token = setup(session)
    won = factories.contract(session, status=ContractStatus.ON_SIGNING.value, amocrm_lead_id=25399013,
                             start_date=date(2026, 1, 1), end_date=date(2026, 11, 30), monthly_rent=100000)
    lost = factories.contract(session, status=ContractStatus.BOOKED.value, amocrm_lead_id=25399014)
    booked = factories.contract(session, status=ContractStatus.DRAFT.value, amocrm_lead_id=25399015)
    untouched = factories.contract(session, status=ContractStatus.BOOKED.value, amocrm_lead_id=25399016)
    session.commit()
    data = body(
        lead(0, 25399013, 142), lead(1, 25399014, 143), lead(2, 25399015, 7039102),
        lead(3, 25399016, 7777777),  # a stage nobody mapped
        lead(4, 99999999, 142),  # a lead no contract is linked to
    )
    response = post(client, token, data)
    assert response.status_code == 200
    session.expire_all()
    assert (won.status, lost.status, booked.status, untouched.status) == ("signed", "cancelled", "booked", "booked")
    assert history(session, won)[-1] == ("on_signing", "signed", "amocrm")
    assert history(session, lost)[-1] == ("booked", "cancelled", "amocrm")
    # Signed from amoCRM: its schedule is built as when the admin signs it.
    assert session.scalar(select(Invoice.id).where(Invoice.contract_id == won.id)) is not None
    rows = session.scalar(select(ContractStatusChange.id).order_by(ContractStatusChange.id.desc()))
    assert len(response.json["ignored"]) == 2

    again = post(client, token, data)
    assert again.status_code == 200 and again.json["changed"] == []
    assert session.scalar(select(ContractStatusChange.id).order_by(ContractStatusChange.id.desc())) == rows


def test_update_and_add_leads_move_contracts_too(client, session):
    token = setup(session)
    contract = factories.contract(session, status=ContractStatus.BOOKED.value, amocrm_lead_id=555)
    session.commit()
    assert post(client, token, body(lead(0, 555, 7039103, action="update"))).status_code == 200
    session.expire_all()
    assert contract.status == "on_signing"


def test_wrong_or_regenerated_token_is_404(client, session):
    token = setup(session)
    contract = factories.contract(session, status=ContractStatus.BOOKED.value, amocrm_lead_id=777)
    session.commit()
    assert post(client, "wrong-token", body(lead(0, 777, 142))).status_code == 404
    amocrm.regenerate_token(session)
    session.commit()
    assert post(client, token, body(lead(0, 777, 142))).status_code == 404
    session.expire_all()
    assert contract.status == "booked"


def test_forbidden_transition_is_refused_and_the_rest_still_applies(client, session):
    token = setup(session)
    registered = factories.contract(session, status=ContractStatus.REGISTERED.value, amocrm_lead_id=1)
    cancelled = factories.contract(session, status=ContractStatus.CANCELLED.value, amocrm_lead_id=2)
    fine = factories.contract(session, status=ContractStatus.DRAFT.value, amocrm_lead_id=3)
    session.commit()
    response = post(client, token, body(lead(0, 1, 7039102), lead(1, 2, 142), lead(2, 3, 7039103)))
    assert response.status_code == 200
    session.expire_all()
    assert (registered.status, cancelled.status, fine.status) == ("registered", "cancelled", "on_signing")
    assert {entry["contract"] for entry in response.json["refused"]} == {registered.id, cancelled.id}
    assert "нельзя сменить" in response.json["refused"][0]["reason"]


def test_another_account_changes_nothing(client, session):
    from app.domain import settings

    token = setup(session)
    settings.put(session, amocrm.SUBDOMAIN_KEY, "example")
    contract = factories.contract(session, status=ContractStatus.BOOKED.value, amocrm_lead_id=9)
    session.commit()
    assert post(client, token, body(lead(0, 9, 142), subdomain="stranger")).status_code == 200
    session.expire_all()
    assert contract.status == "booked"
