"""`make prod` for real: deploy/supervise.py against PostgreSQL and a redis-server of the
test's own migrates, serves (gunicorn, several workers), signs a user in, and a nightly job
enqueued on the queue is run by its rq worker; SIGTERM stops every process."""
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import requests

from tests.processes import ROOT, RedisServer, fresh_database, free_port, needs_services, stop_group, wait_for

pytestmark = [pytest.mark.processes, needs_services]


def _leftovers(log_path):
    started = re.search(r"supervise: started (.*)", log_path.read_text())
    return [int(pid) for pid in re.findall(r"\((\d+)\)", started.group(1))] if started else []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_prod_serves_signs_in_and_a_worker_runs_the_nightly_job(tmp_path, today):
    from redis import Redis
    from rq import Queue

    redis = RedisServer(tmp_path).start()
    log_path = tmp_path / "prod.log"
    with fresh_database() as database_url:
        port = free_port()
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=redis.url, PORT=str(port), WEB_WORKERS="2",
                   WEB_THREADS="4", RQ_WORKERS="1", SECRET_KEY="prod-test-secret-key-0123456789abcdef",
                   SESSION_COOKIE_SECURE="0", ARENDA_INSTANCE_DIR=str(tmp_path / "instance"), STOP_TIMEOUT="30")
        env.pop("ARENDA_TEST_TODAY", None)
        with log_path.open("w") as log:
            prod = subprocess.Popen([sys.executable, "deploy/supervise.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            health = wait_for(lambda: requests.get(f"{base}/health", timeout=5), 120, "make prod's /health")
            assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}, log_path.read_text()[-3000:]
            started = dict(re.findall(r"(\S+) \((\d+)\)", re.search(r"supervise: started (.*)", log_path.read_text()).group(1)))
            niceness = {name: os.getpriority(os.PRIO_PROCESS, int(pid)) for name, pid in started.items()}
            # the jobs take the CPU the web server leaves
            assert niceness["worker-1"] - niceness["web"] == 10 and niceness["cron"] - niceness["web"] == 10, niceness
            demo = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "demo", "load"], cwd=ROOT,
                                  env=dict(env, ARENDA_CONFIG="production"), capture_output=True, text=True, timeout=300)
            assert demo.returncode == 0, demo.stderr[-3000:]

            browser = requests.Session()
            form = browser.get(f"{base}/login/", timeout=30).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
            signed_in = browser.post(f"{base}/login/", data={"username": "owner", "password": "arenda-demo", "csrf_token": token},
                                     allow_redirects=False, timeout=30)
            assert signed_in.status_code == 302, signed_in.text[:500]

            job = Queue("default", connection=Redis.from_url(redis.url)).enqueue(
                "app.jobs.nightly.run_nightly", (today + timedelta(days=62)).isoformat(), job_timeout=600)
            wait_for(lambda: job.refresh() or job.is_finished or job.is_failed, 300, "the nightly job")
            assert job.is_finished, log_path.read_text()[-3000:]
            issued = job.return_value()["issued"]
            assert issued["invoices"] > 0 and not issued["failed"]

            card = browser.get(f"{base}/invoiceview/show/{issued['invoice_ids'][0]}", timeout=30)
            assert card.status_code == 200 and "Выставлен" in card.text
            assert "X-Request-ID" in card.headers
        finally:
            code = stop_group(prod, 60)
            pids = _leftovers(log_path)
            for pid in pids:  # a failed stop must not leave servers behind
                if _alive(pid):
                    os.kill(pid, 9)
            redis.stop()
    assert code == 0, log_path.read_text()[-3000:]
    assert pids and not any(_alive(pid) for pid in pids)
    assert "Shutting down: Master" in log_path.read_text()
