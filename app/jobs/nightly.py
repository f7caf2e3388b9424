"""The nightly job (00:00 UTC, or `flask schedule run --on DATE`): a sequence of steps.

Each step is `step(session, day, summary) -> dict`, owns its commits, and may read what the
steps before it reported (e.g. the ids of the documents issued). A step that fails is
reported and the next one still runs. Everything is idempotent and catches up: a night
missed is covered by the next run, which issues whatever is due up to its day.
"""
import json
import logging
import uuid

from sqlalchemy import select

from app.domain import dates, indexation, issuing, penalties, schedule, settings
from app.extensions import db
from app.models import Contract, Setting
from app.jobs import with_app_context
from app.jobs.export_1c import scheduled_export
from app.notify.events import indexation_drafted, nightly_step as notify
from app.timeutil import today

log = logging.getLogger(__name__)
BATCH = 500  # contracts per transaction while issuing
# What a batch issued, kept in the batch's own transaction until the notifications step has
# announced it in its: a run killed between the two leaves it for the next run to announce.
UNANNOUNCED = "nightly.unannounced."
ID_KEYS = ("invoice_ids", "act_ids", "vat_invoice_ids")


def extend_schedules(session, day, summary):
    """Open-ended contracts are planned a rolling twelve months ahead: move that horizon."""
    ids = schedule.open_ended_contract_ids(session)
    for contract_id in ids:
        schedule.rebuild(session, session.get(Contract, contract_id), day)
        session.commit()
    return {"rebuilt": len(ids)}


def issue_documents(session, day, summary):
    """Issue every planned document dated `day` or earlier on active contracts, a batch of
    contracts per transaction; a batch that fails is retried contract by contract, so one
    contract's failure is reported and does not stop the others."""
    issued = issuing.Issued()
    ids = issuing.due_contract_ids(session, day)
    for n in range(0, len(ids), BATCH):
        batch = ids[n:n + BATCH]
        try:
            issued.add(_unannounced(session, issuing.issue_due(session, batch, day)))
            session.commit()
        except Exception:
            session.rollback()
            log.exception("issuing a batch of %d contracts failed; retrying one by one", len(batch))
            for contract_id in batch:
                issued.add(_issue_one(session, contract_id, day))
        session.expunge_all()
    return issued.as_dict()


def _issue_one(session, contract_id, day):
    try:
        result = _unannounced(session, issuing.issue_due(session, [contract_id], day))
        session.commit()
        return result
    except Exception as error:  # reported in the summary; the other contracts go on
        session.rollback()
        log.exception("issuing for contract %s failed", contract_id)
        return issuing.Issued(failed=[{"contract_id": contract_id, "error": str(error) or repr(error)}])


def draft_indexations(session, day, summary):
    """The yearly rent indexations due by `day`: each drafted once, unsigned, its manager told."""
    drafted = []
    for contract in indexation.due_contracts(session):
        agreement = indexation.draft(session, contract, day)
        if agreement is not None:
            indexation_drafted(session, indexation.described(session, agreement), day)
            drafted.append(agreement.id)
    session.commit()
    return {"drafted": len(drafted), "agreement_ids": drafted}


def _unannounced(session, result):
    """Keep the ids `result` issued for the notifications step, in the issuing transaction."""
    ids = {key: getattr(result, key) for key in ID_KEYS}
    if any(ids.values()):
        settings.put(session, f"{UNANNOUNCED}{uuid.uuid4().hex}", json.dumps(ids))
    return result


def notifications(session, day, summary):
    """The notifications of the day (notify.events.nightly_step) for every document issued and
    not yet announced: this run's and those of a run that died before this step. The kept ids
    are removed in the commit that queues their emails, so each document is announced once."""
    pending = session.scalars(select(Setting).where(Setting.key.startswith(UNANNOUNCED))).all()
    issued = dict(summary.get("issued") or {})
    for key in ID_KEYS:
        issued[key] = sorted(set(issued.get(key) or []).union(*(json.loads(row.value)[key] for row in pending)))
    for row in pending:
        session.delete(row)
    return notify(session, day, {**summary, "issued": issued})


STEPS = [
    ("schedules", extend_schedules),
    ("issued", issue_documents),
    ("penalties", penalties.monthly_step),  # the 1st: penalty invoices of contracts that charge monthly
    ("indexation", draft_indexations),  # drafts of the yearly rent indexation, N days ahead
    ("notifications", notifications),
    ("export_1c", scheduled_export),  # the scheduled export to 1C, once per period
]


def nightly(session, day):
    summary = {"date": day.isoformat()}
    for name, step in STEPS:
        try:
            summary[name] = step(session, day, summary)
        except Exception as error:  # one step's failure must not cancel the others
            session.rollback()
            log.exception("nightly step %s failed", name)
            summary[name] = {"error": str(error) or repr(error)}
    return summary


@with_app_context
def run_nightly(on=None):
    """The job RQ's cron enqueues: `on` is an ISO date (default: today in UTC)."""
    return nightly(db.session, dates.iso_date(on, "on") if on else today())
