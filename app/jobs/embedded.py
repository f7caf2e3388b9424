"""The embedded mode (no REDIS_URL): `python run.py` runs the nightly job in a daemon thread
of the web process, once at start-up and then at every 00:00 UTC. This is sane for a single
process only; the job itself catches up any day missed while nothing ran."""
import logging
import threading
from datetime import datetime, time, timedelta, timezone

from app.jobs.nightly import run_nightly
from app.timeutil import utcnow

WAKE_SECONDS = 60  # check the clock at least this often (sleeping hosts, clock changes)


def next_midnight(now):
    """The next 00:00 UTC strictly after `now`."""
    return datetime.combine(now.astimezone(timezone.utc).date() + timedelta(days=1), time(0), tzinfo=timezone.utc)


def _run(app):
    try:
        with app.app_context():
            summary = run_nightly()
        issued = {key: value for key, value in summary.get("issued", {}).items() if not key.endswith("_ids")}
        app.logger.info("nightly job for %s: %s", summary["date"], issued)
    except Exception:  # the thread must outlive a failed night; the next run catches up
        app.logger.exception("nightly job failed")


def _loop(app, stop, clock):
    due = clock()
    while not stop.is_set():
        if clock() >= due:
            _run(app)
            due = next_midnight(clock())
        stop.wait(min(WAKE_SECONDS, max(0.0, (due - clock()).total_seconds())))


def start(app, stop=None, clock=utcnow):
    """Start the thread; setting `stop` (a threading.Event) ends it."""
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # the served process says what each night issued
    thread = threading.Thread(target=_loop, args=(app, stop or threading.Event(), clock), name="arenda-nightly", daemon=True)
    thread.start()
    return thread
