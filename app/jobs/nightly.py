"""The nightly job (00:00 UTC, or `flask schedule run --on DATE`): a sequence of steps.

Each step is `step(session, day, summary) -> dict`, owns its commits, and may read what the
steps before it reported (e.g. the ids of the documents issued). A step that fails is
reported and the next one still runs. Everything is idempotent and catches up: a night
missed is covered by the next run, which issues whatever is due up to its day.
"""
import heapq
import json
import logging
import uuid
from array import array

from sqlalchemy import delete, select

from app import bulk, pacing
from app.domain import dates, indexation, issuing, penalties, schedule, settings
from app.extensions import db
from app.models import Contract, Setting
from app.jobs import with_app_context
from app.jobs.export_1c import scheduled_export
from app.notify.events import indexation_drafted, nightly_step as notify
from app.timeutil import today

log = logging.getLogger(__name__)
BATCH = 500  # contracts per transaction while issuing
BROWSED_BATCH = 100  # ... while people browse (app.pacing.slices)
# What a batch issued, kept in the batch's own transaction until the notifications step has
# announced it in its: a run killed between the two leaves it for the next run to announce.
UNANNOUNCED = "nightly.unannounced."
ID_KEYS = ("invoice_ids", "act_ids", "vat_invoice_ids")


def extend_schedules(session, day, summary):
    """Open-ended contracts are planned a rolling twelve months ahead: move that horizon."""
    ids = schedule.open_ended_contract_ids(session)
    for contract_id in pacing.paced(ids):
        schedule.rebuild(session, session.get(Contract, contract_id), day)
        session.commit()
    return {"rebuilt": len(ids)}


def issue_documents(session, day, summary):
    """Issue every planned document dated `day` or earlier on active contracts, a batch of
    contracts per transaction; a batch that fails is retried contract by contract, so one
    contract's failure is reported and does not stop the others."""
    issued = issuing.Issued.compact()
    ids = issuing.due_contract_ids(session, day)
    for batch in pacing.paced(pacing.slices(ids, BATCH, BROWSED_BATCH)):
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
    not yet announced: this run's and those of a run that died before this step (every batch
    keeps its ids, so the kept ones are all of them). The kept ids are removed in the commit that
    queues their emails, so each document is announced once."""
    ids, keys = _pending(session)
    for clause in bulk.where_in(session, Setting.key, keys):
        session.execute(delete(Setting).where(clause))
    return notify(session, day, {**summary, "issued": {**(summary.get("issued") or {}), **ids}})


def _pending(session):
    """The ids kept for the notifications step — {key of ID_KEYS: an ascending array of them} —
    and the keys of the settings rows keeping them, read a row at a time."""
    runs, keys = {key: [] for key in ID_KEYS}, []
    rows = select(Setting.key, Setting.value).where(Setting.key.startswith(UNANNOUNCED)).execution_options(yield_per=16)
    for key, value in session.execute(rows):
        keys.append(key)
        kept = json.loads(value)
        for id_key in ID_KEYS:
            runs[id_key].append(array("q", sorted(kept[id_key])))
    return {key: array("q", heapq.merge(*runs[key])) for key in ID_KEYS}, keys


def refresh_statistics(session, day, summary):
    """The planner's statistics after the night's documents (SQLite; app.bulk.refresh_statistics)."""
    analyzed = bulk.refresh_statistics(session)
    session.commit()
    return {"analyzed": analyzed}


STEPS = [
    ("schedules", extend_schedules),
    ("issued", issue_documents),
    ("penalties", penalties.monthly_step),  # the 1st: penalty invoices of contracts that charge monthly
    ("indexation", draft_indexations),  # drafts of the yearly rent indexation, N days ahead
    ("notifications", notifications),
    ("export_1c", scheduled_export),  # the scheduled export to 1C, once per period
    ("statistics", refresh_statistics),
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
