"""amoCRM (SPEC §4): the webhook's leads move the linked contracts along the mapped statuses.

amoCRM posts form-encoded, PHP-style keys (`leads[status][0][status_id]`, `leads[update][1][id]`,
`account[subdomain]`; FORMATS.md §E.1). Each lead linked to a contract (`amocrm_lead_id`) whose
stage is mapped (`AmocrmStage`: the pipeline's stage, else the same stage of any pipeline) takes
the mapped status, recorded in the status history with the source «amoCRM», and the schedule is
rebuilt as after a save in the admin. What is unmapped, unknown, already so or forbidden is
reported, never raised: amoCRM retries an error, and a replay must change nothing. No commit here.
"""
import re
import secrets
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from app.domain import contracts, schedule, settings
from app.domain.enums import N_, StatusSource
from app.models.integration import ANY_PIPELINE
from app.models import AmocrmStage, Contract

TOKEN_KEY = "amocrm.webhook_token"
SUBDOMAIN_KEY = "amocrm.subdomain"
WEBHOOK_PATH = "/hooks/amocrm/"
_LEAD_KEY = re.compile(r"^leads\[(status|update|add)\]\[(\d+)\]\[(id|status_id|pipeline_id|old_status_id)\]$")


@dataclass
class Lead:
    action: str
    id: Optional[int] = None
    status_id: Optional[int] = None
    pipeline_id: Optional[int] = None
    old_status_id: Optional[int] = None


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def parse_leads(form):
    """The leads of a webhook body (a mapping of its form keys to values), in the order sent."""
    leads = {}
    for key, value in form.items():
        match = _LEAD_KEY.match(key)
        if match:
            action, index, field = match.groups()
            lead = leads.setdefault((action, int(index)), Lead(action))
            setattr(lead, field, _int(value))
    return [lead for _, lead in sorted(leads.items(), key=lambda item: ({"add": 0, "update": 1, "status": 2}[item[0][0]], item[0][1]))]


def stage_status(session, pipeline_id, status_id):
    """The contract status mapped to the stage, or None."""
    if status_id is None:
        return None
    rows = session.execute(
        select(AmocrmStage.pipeline_id, AmocrmStage.contract_status)
        .where(AmocrmStage.status_id == status_id, AmocrmStage.pipeline_id.in_([pipeline_id or ANY_PIPELINE, ANY_PIPELINE]))
    ).all()
    mapped = dict(rows)
    return mapped.get(pipeline_id) or mapped.get(ANY_PIPELINE)


def apply_webhook(session, form, today):
    """Apply every lead of the body. Returns {"changed": [...], "ignored": [...], "refused": [...]},
    each entry a dict naming the lead, the contract (when one) and why."""
    report = {"changed": [], "ignored": [], "refused": []}
    subdomain = settings.get(session, SUBDOMAIN_KEY)
    sent = (form.get("account[subdomain]") or "").strip()
    if subdomain and sent and sent.lower() != subdomain.lower():
        report["ignored"].append({"reason": f"чужой аккаунт amoCRM «{sent}»"})
        return report
    for lead in parse_leads(form):
        if lead.id is None:
            report["ignored"].append({"reason": "сделка без id"})
            continue
        status = stage_status(session, lead.pipeline_id, lead.status_id)
        if status is None:
            report["ignored"].append({"lead": lead.id, "reason": f"этап {lead.pipeline_id}/{lead.status_id} не сопоставлен"})
            continue
        linked = session.scalars(select(Contract).where(Contract.amocrm_lead_id == lead.id).order_by(Contract.id)).all()
        if not linked:
            report["ignored"].append({"lead": lead.id, "reason": "нет договора с этой сделкой"})
        for contract in linked:
            _move(session, contract, status, lead, today, report)
    return report


def _move(session, contract, status, lead, today, report):
    entry = {"lead": lead.id, "contract": contract.id, "number": contract.number, "status": status}
    if contract.status == status:
        report["ignored"].append({**entry, "reason": "статус уже такой"})
        return
    refusal = contracts.transition_refusal(contract.status, status)
    if refusal:
        report["refused"].append({**entry, "reason": refusal})
        return
    contract.status = status
    contracts.record_status_change(session, contract, None, StatusSource.AMOCRM.value)
    # The same two calls as a save in either door (app.hooks.rescheduling.ReschedulesContract).
    contracts.keep_end_in_force(contract)
    schedule.rebuild(session, contract, today)
    report["changed"].append(entry)


def subdomain_problem(value):
    """The account's subdomain as in its address (example in example.amocrm.ru), or blank."""
    if value and not value.replace("-", "").isalnum():
        return N_("Поддомен amoCRM — латинские буквы, цифры и дефис, как в адресе example.amocrm.ru")
    return None


def webhook_token(session, create=True):
    """The secret of the webhook URL; made on first use."""
    token = settings.get(session, TOKEN_KEY)
    if token is None and create:
        token = regenerate_token(session)
    return token


def regenerate_token(session):
    """A new secret: the old URL stops working at once."""
    token = secrets.token_urlsafe(24)
    settings.put(session, TOKEN_KEY, token)
    return token


def token_matches(session, token):
    saved = webhook_token(session, create=False)
    return saved is not None and secrets.compare_digest(saved.encode(), (token or "").encode())


def webhook_url(base_url, token):
    """The full URL to paste into amoCRM (Settings → Integrations → Webhooks)."""
    return base_url.rstrip("/") + WEBHOOK_PATH + token
