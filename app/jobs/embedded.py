"""The embedded mode (no REDIS_URL): `python run.py` runs the nightly job in a daemon thread
of the web process, once at start-up and then at every 00:00 UTC, and the outbox sender in
another, every minute and at once when a commit wrote messages (app.jobs.outbox.delivery_asked).
`start_once` is what the server calls in each of its processes: the one holding the instance's
lock file runs both threads, so the jobs run once however many server processes and threads
serve (the lock is released when its process ends, and the process that replaces it takes it).
The job itself catches up any day missed while nothing ran."""
import fcntl
import logging
import threading
from pathlib import Path
from datetime import datetime, time, timedelta, timezone

from app.jobs.nightly import run_nightly
from app.jobs.outbox import delivery_asked, send_outbox
from app.timeutil import utcnow

WAKE_SECONDS = 60  # check the clock at least this often (sleeping hosts, clock changes)
SEND_SECONDS = 60  # the outbox sender's round, as rq cron's in the Redis mode


def next_midnight(now):
    """The next 00:00 UTC strictly after `now`."""
    return datetime.combine(now.astimezone(timezone.utc).date() + timedelta(days=1), time(0), tzinfo=timezone.utc)


def _run(app, job=None):
    job = job or run_nightly  # looked up at call time (tests replace it)
    try:
        with app.app_context():
            result = job()
        app.logger.info("%s: %s", job.__name__, _brief(result))
    except Exception:  # the thread must outlive a failed run; the next one catches up
        app.logger.exception("%s failed", job.__name__)


def _brief(result):
    """A job's summary for the log, without the long id lists (the nightly job's issued ids)."""
    if not isinstance(result, dict):
        return result
    return {key: {k: v for k, v in value.items() if not k.endswith("_ids")} if isinstance(value, dict) else value
            for key, value in result.items()}


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


def _send_loop(app, stop):
    while not stop.is_set():
        delivery_asked.clear()
        _run(app, send_outbox)
        for _ in range(SEND_SECONDS):
            if stop.is_set() or delivery_asked.wait(1):
                break


def start_sender(app, stop=None):
    """Start the outbox sender thread; setting `stop` ends it."""
    thread = threading.Thread(target=_send_loop, args=(app, stop or threading.Event()), name="arenda-outbox", daemon=True)
    thread.start()
    return thread


def start_once(app, lock_path=None):
    """Start the nightly and sender threads if no other process of this installation runs
    them (an exclusive lock on `instance/embedded-jobs.lock`, held while the process lives).
    Returns the threads started, or None when another process holds the lock."""
    path = Path(lock_path or Path(app.instance_path) / "embedded-jobs.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        app.logger.info("embedded jobs: another server process runs them")
        return None
    app.extensions["arenda_embedded_lock"] = handle  # kept open: closing it would release the lock
    return start(app), start_sender(app)
