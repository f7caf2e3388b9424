"""Exports to 1C as the page, the CLI and the schedule make them, and the scheduled export.

`make` is the one way to export: the file is streamed (app.exports.enterprise_data) into the
exports folder under the instance folder, then a row of `export_run` says who, when, executor,
period, counts and size; the file stays there to be downloaded again. Nothing there commits.

`scheduled_export` is a step of the nightly job (so rq cron's nightly run and the embedded
thread without Redis both make it): for each executor of the settings, the period due
(app.domain.export_schedule) is exported once — the unique `schedule_key` of export_run — and
the file emailed through the outbox (app.notify.events.export_1c_made)."""
import json
import logging
import os
import tempfile
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import export_schedule
from app.exports import enterprise_data
from app.models import Counterparty, ExportRun
from app.notify import events

log = logging.getLogger(__name__)


def exports_dir():
    """Where export files are kept (under the instance folder)."""
    return Path(current_app.instance_path) / "exports"



def make(session, executor, start, end, directory, user_id=None, schedule_key=None, email=None, created=None):
    """Export `executor`'s documents of start..end into `directory`; returns the ExportRun
    (refused, with the reason, without an executor or a period)."""
    enterprise_data.check_request(executor, start, end)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.xml"
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            summary = enterprise_data.write(session, executor, start, end, out, created)
        os.replace(temporary, directory / stored_name)  # readers never see a half-written file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    run = ExportRun(user_id=user_id, executor_id=executor.id, period_start=start, period_end=end,
                    counts=json.dumps(summary.as_dict(), ensure_ascii=False), size=(directory / stored_name).stat().st_size,
                    filename=enterprise_data.filename(executor, start, end), stored_name=stored_name,
                    schedule_key=schedule_key, email=email)
    session.add(run)
    session.flush()
    return run


def path_of(run, directory):
    """The kept file of an export (None when it is gone)."""
    path = Path(directory) / Path(run.stored_name).name
    return path if path.exists() else None


def counts(run):
    return json.loads(run.counts or "{}")


def scheduled_export(session, day, summary):
    schedule = export_schedule.load(session)
    due = export_schedule.due(schedule, day)
    result = {"exported": 0, "already": 0}
    if due is None:
        return result
    for executor_id in schedule.executor_ids:
        key = due.key(executor_id)
        if session.scalar(select(ExportRun.id).where(ExportRun.schedule_key == key)) is not None:
            result["already"] += 1
            continue
        executor = session.get(Counterparty, executor_id)
        if executor is None:
            continue
        try:
            run = make(session, executor, due.start, due.end, exports_dir(), schedule_key=key, email=schedule.email)
            data = path_of(run, exports_dir()).read_bytes()
            description = f"{executor.name}, {due.start:%d.%m.%Y}–{due.end:%d.%m.%Y}"
            events.export_1c_made(session, day, schedule.email, run.filename, data, description)
            session.commit()
        except IntegrityError:  # another run made this period's export at the same moment
            session.rollback()
            log.info("the scheduled 1C export %s was made by another run", key)
            result["already"] += 1
            continue
        result["exported"] += 1
    return result
