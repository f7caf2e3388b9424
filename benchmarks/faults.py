"""Process faults, scripted with figures (the database and SMTP faults are tests/test_faults.py):

1. an rq worker killed (SIGKILL, the worker and its work horse) in the middle of the nightly
   job on CONTRACTS generated contracts, then the job resumed by a new worker (app.jobs.worker
   enqueues again the job of a worker that is gone as it starts): every due document
   issued once (none left planned, no two for one period), numbers without gaps or repeats
   per executor and kind, and one customer email (outbox row) per issued document;
2. Redis killed and restarted (append-only file) under make prod (deploy/supervise.py) while
   its worker runs a queue of jobs: /health says 503 while Redis is down, the worker (which
   exits without Redis) is started again, and every job runs: the one in flight when Redis
   died, abandoned, is enqueued again by the restarted worker as it starts (app.jobs.worker);
   the jobs have no RQ retry, as the nightly job has none.

Needs a PostgreSQL server (ARENDA_BENCH_DATABASE_URL, default the local one) and redis-server.
    python -m benchmarks faults            python -m benchmarks.faults --contracts 20000
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from benchmarks._database import SERVER_URL
from benchmarks._report import machine
from tests.processes import ROOT, RedisServer, fresh_database, wait_for

JOBS = 20


def _worker(redis_url, env, burst=False):
    command = [sys.executable, "-m", "rq.cli", "worker", "-w", "app.jobs.worker.Worker", "--url", redis_url, "default"]
    command += ["--burst"] if burst else []
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_with_horse(worker):
    """SIGKILL to the worker and to its work horse (rq forks it into a session of its own)."""
    horses = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    for pid in [worker.pid, *map(int, horses)]:
        os.kill(pid, signal.SIGKILL)
    worker.wait()
    return len(horses)


def _prepare(url, contracts, today):
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.generate import generate
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        generate(db.session, contracts, today, all_active=True)
        # every tenant gets its documents by email, so the check covers the emails too
        db.session.execute(text("UPDATE contract SET autosend_documents = true"))
        db.session.execute(text("UPDATE counterparty SET recipient_emails = 'c' || id || '@tenant.example' WHERE is_customer"))
        db.session.execute(text("DELETE FROM outbox_message"))
        db.session.commit()
    return app


def _issued_count(app, since):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM invoice WHERE status = 'issued' AND date > :d"), {"d": since}).scalar()


def _check(app, day, since):
    """The figures of the worker check: duplicates, documents left due, number gaps and
    repeats, documents without or with several customer emails."""
    from app.domain import issuing
    from app.extensions import db

    figures = {}
    with app.app_context():
        session = db.session
        figures["left due"] = len(issuing.due_contract_ids(session, day))
        duplicates, gaps, repeats, documents = 0, 0, 0, []
        for table in ("invoice", "act", "vat_invoice"):
            columns = {row[0] for row in session.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": table})}
            if "period_start" in columns and "kind" in columns:
                duplicates += session.execute(text(
                    f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE status <> 'cancelled' AND status <> 'planned' "
                    f"GROUP BY contract_id, kind, period_start HAVING count(*) > 1) d")).scalar()
            numbers = Counter()
            for executor_id, number in session.execute(text(f"SELECT executor_id, number FROM {table} WHERE number IS NOT NULL")):
                prefix, digits = re.fullmatch(r"(.*?)(\d+)", number).groups()
                numbers[(executor_id, prefix, int(digits))] += 1
            repeats += sum(1 for count in numbers.values() if count > 1)
            for key in {(e, p) for e, p, _ in numbers}:
                used = sorted(n for e, p, n in numbers if (e, p) == key)
                gaps += used[-1] - len(used)
            if table != "vat_invoice":
                documents += [(table, row[0]) for row in session.execute(text(
                    f"SELECT id FROM {table} WHERE status IN ('issued', 'signed') AND date > :d"), {"d": since})]
        emailed = Counter()
        for (attachments,) in session.execute(text("SELECT attachments FROM outbox_message WHERE event = 'documents_sent'")):
            for ref in json.loads(attachments or "[]"):
                emailed[(ref["kind"], ref["id"])] += 1
        figures.update({"issued in the run": len(documents), "duplicates": duplicates, "number repeats": repeats,
                        "number gaps": gaps,
                        "documents without an email": sum(1 for doc in documents if emailed[doc] == 0),
                        "documents emailed twice": sum(1 for doc in documents if emailed[doc] > 1)})
    return figures


def worker_killed(contracts, work):
    from redis import Redis
    from rq import Queue

    from app.timeutil import today

    redis = RedisServer(work).start()
    try:
        with fresh_database("arenda_bench_faults", server=SERVER_URL) as url:
            print(f"generating {contracts} contracts ...", flush=True)
            app = _prepare(url, contracts, today())
            since, day = today(), (today() + timedelta(days=31)).isoformat()
            env = dict(os.environ, DATABASE_URL=url, ARENDA_INSTANCE_DIR=str(work / "instance"), TZ="UTC")
            queue = Queue("default", connection=Redis.from_url(redis.url))
            worker = _worker(redis.url, env)
            started = time.monotonic()
            job = queue.enqueue("app.jobs.nightly.run_nightly", day, job_timeout=3600)
            at_kill = wait_for(lambda: _issued_count(app, since), 600, "the first issued batch")
            _kill_with_horse(worker)
            killed_after = time.monotonic() - started
            print(f"  worker killed {killed_after:.1f} s into the nightly job, {at_kill} invoices issued by then")
            started = time.monotonic()
            _worker(redis.url, env, burst=True).wait(1800)
            job.refresh()
            print(f"  resumed by a new worker: {job.get_status()} in {time.monotonic() - started:.1f} s")
            figures = _check(app, today() + timedelta(days=31), since)
            with app.app_context():
                from app.extensions import db

                db.engine.dispose()
        bad = {key: value for key, value in figures.items() if key not in ("issued in the run",) and value}
        print(f"  {figures}: {'ok' if not bad else 'FAILED: ' + ', '.join(bad)}")
    finally:
        redis.stop()


def redis_restarted(work):
    import requests
    from redis import Redis
    from rq import Queue

    from tests.processes import free_port, stop_group

    (work / "redis").mkdir()
    redis = RedisServer(work / "redis").start()
    port = free_port()
    try:
        with fresh_database("arenda_bench_faults", server=SERVER_URL) as url:
            env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis.url, PORT=str(port), WEB_WORKERS="1", RQ_WORKERS="1",
                       CRON="0", SECRET_KEY="faults-benchmark-secret-key-0123456789abcdef", ARENDA_INSTANCE_DIR=str(work / "i2"))
            log = (work / "prod.log").open("w")
            prod = subprocess.Popen([sys.executable, "deploy/supervise.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
            health = f"http://127.0.0.1:{port}/health"
            try:
                wait_for(lambda: requests.get(health, timeout=5).status_code == 200, 180, "make prod")
                queue = Queue("default", connection=Redis.from_url(redis.url))
                jobs = [queue.enqueue("time.sleep", 0.5, result_ttl=3600, job_timeout=10) for _ in range(JOBS)]
                wait_for(lambda: sum(job.refresh() or job.is_finished for job in jobs) >= 3, 120, "the first jobs")
                redis.process.kill()  # SIGKILL: no shutdown save, the append-only file is what survives
                redis.process.wait()
                down_at = time.monotonic()
                time.sleep(5)
                during = requests.get(health, timeout=10)
                redis.start()
                restarted = time.monotonic()
                try:
                    wait_for(lambda: all(job.refresh() or job.is_finished for job in jobs), 300, "every job")
                    finished, resumed = JOBS, time.monotonic() - restarted
                except AssertionError:
                    finished, resumed = sum(job.refresh() or job.is_finished for job in jobs), None
                after = requests.get(health, timeout=10)
                verdict = "ok" if finished == JOBS and during.status_code == 503 and after.status_code == 200 else "FAILED"
                print(f"  Redis down {restarted - down_at:.1f} s (/health {during.status_code} {during.json()['redis']!r}); "
                      f"{finished}/{JOBS} jobs finished" + (f", the last {resumed:.1f} s after the restart" if resumed else " in 300 s")
                      + f" (make prod restarted the worker: {'yes' if 'starting it again' in (work / 'prod.log').read_text() else 'no'}; "
                      f"abandoned jobs it enqueued again: {(work / 'prod.log').read_text().count('abandoned by a worker that is gone')}); "
                      f"/health after {after.status_code}: {verdict}"
                      + "".join(f"; job {job.id[:8]} {job.get_status()}" for job in jobs if not job.is_finished))
            finally:
                stop_group(prod, 90)
                log.close()
    finally:
        redis.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=3000)
    args = parser.parse_args([] if argv is None else argv)
    print(machine())
    work = Path(tempfile.mkdtemp(prefix="arenda-faults-"))
    print("worker killed mid-way through the nightly job, then the job resumed by a new worker:")
    worker_killed(args.contracts, work)
    print("Redis killed and restarted under a worker:")
    redis_restarted(work)


if __name__ == "__main__":
    main(sys.argv[1:])
