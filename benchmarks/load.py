"""Load on a served installation (loopback only, bounded in time and count): USERS signed-in
users browse the needs-attention lists of contracts and invoices, contract cards and invoice
PDFs (a think time between pages: 5 s on average, a person reading a list or a card; `--think 1`
is a page a second each, the machine's saturation figure) while the nightly job and a bank import of DOCUMENTS
documents run; then 20 pollers read the CIAN feed. Prints p50/p95 latency, requests per second
and errors, per page kind and overall. Target: p95 ≤ 500 ms and no error.

`--mode prod` (default): make prod's processes (deploy/supervise.py: gunicorn, rq workers) on
PostgreSQL (ARENDA_BENCH_DATABASE_URL's server, a database per size, kept) and a redis-server
of its own; the nightly job is enqueued for a worker. `--mode run`: make run's server on
SQLite in a temporary instance directory; the nightly job is `flask schedule run` beside it.

    python -m benchmarks load                                  # small: 2000 contracts, 5000 documents, 60 s
    python -m benchmarks.load --contracts 20000 --documents 50000 --seconds 120   # the issue's size
"""
import argparse
import contextlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import requests
from urllib3.util.retry import Retry

from benchmarks._database import OWNER, PASSWORD, app_for, copy_of, generated, template
from benchmarks._report import machine
from tests.processes import ROOT, RedisServer, free_port, stop_group, wait_for

TARGET_P95_MS = 500
SAMPLE = 500  # contract and invoice ids the users pick from
PAGES = (("attention contracts", 25), ("attention invoices", 25), ("contract card", 30), ("invoice pdf", 20))
POLLERS, POLLS = 20, 5


def _our_account(session):
    """The executor account the statement is addressed to (tests.statements.OURS)."""
    from app.imports import loader
    from app.models import BankAccount, Counterparty, Setting
    from tests.statements import OURS

    ours = Counterparty(name=OURS["name"], inn=OURS["inn"], kpp=OURS["kpp"], is_executor=True, is_customer=False, doc_prefix="Б-")
    session.add(ours)
    session.add(BankAccount(counterparty=ours, account=OURS["account"], bik=OURS["bik"], bank_name=OURS["bank"]))
    session.add(Setting(key=loader.SIZE_SETTING, value="100"))  # a 50,000-document file is a little over the default 50 MB
    session.flush()


def prepare(app):
    """What the users browse: the attention list URLs, contract ids, issued invoice ids."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contract, Invoice
    from app.views.attention import list_url

    views = {type(view).__name__: view for view in app.appbuilder.baseviews}
    with app.test_request_context():
        lists = {"attention contracts": list_url(views["ContractView"]), "attention invoices": list_url(views["InvoiceView"])}
    with app.app_context():
        contracts = db.session.scalars(select(Contract.id).order_by(Contract.id).limit(SAMPLE)).all()
        invoices = db.session.scalars(select(Invoice.id).where(Invoice.status == "issued").order_by(Invoice.id.desc()).limit(SAMPLE)).all()
        db.engine.dispose()
    return lists, contracts, invoices


def statement_file(documents, directory):
    from benchmarks.money_import import build_statement

    path = Path(directory) / "statement.txt"
    path.write_bytes(build_statement([], documents))
    return path


def sign_in(base):
    session = requests.Session()
    # as a browser does, a GET that meets a kept-alive connection the server has just closed is sent again
    session.mount("http://", requests.adapters.HTTPAdapter(max_retries=Retry(total=1, connect=1, read=1, status=0,
                                                                               allowed_methods={"GET"})))
    form = session.get(f"{base}/login/", timeout=120).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = session.post(f"{base}/login/", data={"username": OWNER, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=120)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in answered {answer.status_code}")
    return session


class User(threading.Thread):
    """A signed-in user (signed in before the measured window) reading pages until `deadline`."""

    def __init__(self, base, pages, results, think, seed):
        super().__init__(daemon=True)
        self.base, self.pages, self.results, self.think = base, pages, results, think
        self.random, self.deadline, self.session = random.Random(seed), None, None

    def run(self):
        session = self.session
        if session is None:
            self.results.append(("sign-in", 0.0, "sign-in failed"))
            return
        kinds, weights = zip(*PAGES)
        # People do not all click at the same instant: each user's first page comes after a think time too
        # (without it the 50 first requests arrive in one burst, with the jobs' own start-up, and make the tail).
        time.sleep(self.random.uniform(0, 2) * self.think)
        while time.monotonic() < self.deadline:
            kind = self.random.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                response = session.get(self.base + self.pages(kind, self.random), timeout=60)
                error = None if response.status_code == 200 else f"HTTP {response.status_code}"
            except requests.RequestException as failure:
                error = type(failure).__name__
            self.results.append((kind, (time.perf_counter() - started) * 1000, error, time.time()))
            time.sleep(self.random.uniform(0.5, 1.5) * self.think)


def _busy_share(seconds=1.0):
    """The share of the machine's CPU time used over `seconds` (from /proc/stat)."""
    def times():
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    total, idle = times()
    time.sleep(seconds)
    total_after, idle_after = times()
    return 1 - (idle_after - idle) / max(total_after - total, 1)


def settle(limit=60, quiet=0.15):
    """Wait (at most `limit` s) until the machine is quiet: each server process builds the polled
    feeds as it starts, and one user alone is measured after that, not beside it."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and _busy_share() > quiet:
        pass


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def report(title, rows, seconds):
    times = [ms for _, ms, error, *_ in rows if error is None]
    errors = [error for _, _, error, *_ in rows if error is not None]
    p95 = percentile(times, 0.95)
    verdict = "ok" if p95 <= TARGET_P95_MS and not errors else "OVER TARGET"
    print(f"  {title:<22} {len(rows):>6} requests  {len(rows) / seconds:6.1f}/s  p50 {percentile(times, 0.5):7.0f} ms  "
          f"p95 {p95:7.0f} ms ({p95 / TARGET_P95_MS:4.2f}× the target)  errors {len(errors)}"
          + (f" {sorted(set(errors))[:3]}" if errors else "") + f"  {verdict}")


class Background:
    """A command run beside the load, timed."""

    def __init__(self, name, command, env):
        self.name, self.started, self.ended, self.output = name, time.monotonic(), None, ("", "")
        self.ended_at = None  # time.time() when it ended
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.waiter = threading.Thread(target=self._wait, daemon=True)
        self.waiter.start()

    def _wait(self):
        self.output = self.process.communicate()
        self.ended, self.ended_at = time.monotonic(), time.time()

    def finish(self, timeout):
        self.waiter.join(timeout)
        if self.ended is None:
            self.process.kill()
            return f"{self.name}: still running after the load, killed"
        out, err = self.output
        seconds = self.ended - self.started
        state = "ok" if self.process.returncode == 0 else f"FAILED ({err.strip().splitlines()[-1:]})"
        return f"{self.name}: {seconds:.1f} s, {state} {out.strip().splitlines()[-1][:160] if out.strip() else ''}"


class NightlyOnWorker:
    """The nightly job enqueued for make prod's rq worker, timed."""

    def __init__(self, redis_url, day):
        from redis import Redis
        from rq import Queue

        self.started_at, self.ended_at = time.time(), None
        self.job = Queue("default", connection=Redis.from_url(redis_url)).enqueue("app.jobs.nightly.run_nightly", day, job_timeout=3600)
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        """Note when the job ends (time.time()), looking twice a second."""
        from rq.job import Job

        job = Job.fetch(self.job.id, connection=self.job.connection)
        while not (job.is_finished or job.is_failed):
            time.sleep(0.5)
            job.refresh()
        self.ended_at = time.time()

    def finish(self, timeout):
        try:
            wait_for(lambda: self.job.refresh() or self.job.is_finished or self.job.is_failed, timeout, "nightly")
        except AssertionError:
            return "nightly job (rq worker): still running after the load"
        issued = (self.job.return_value() or {}).get("issued", {}) if self.job.is_finished else {}
        ended_at = self.ended_at or time.time()  # as the watcher saw it end (within half a second)
        return (f"nightly job (rq worker): {ended_at - self.started_at:.1f} s, {self.job.get_status()}, "
                f"invoices {issued.get('invoices')}, acts {issued.get('acts')}")


def _dispose(app):
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()


def feed_path(env):
    """The CIAN feed's path, from `integrations urls` (which makes its token, as handing the URL to
    the portal does)."""
    urls = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "integrations", "urls"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    return re.search(r'"cian_feed": "https?://[^/]+(/[^"]+)"', urls.stdout).group(1)


def poll_feed(base, path, seconds):
    rows, lock = [], threading.Lock()

    def poller():
        etag = None
        for i in range(POLLS):
            started = time.perf_counter()
            try:
                response = requests.get(base + path, headers={"If-None-Match": etag} if etag and i % 2 else {}, timeout=120)
                etag = response.headers.get("ETag") or etag
                error = None if response.status_code in (200, 304) else f"HTTP {response.status_code}"
            except requests.RequestException as failure:
                error = type(failure).__name__
            with lock:
                rows.append(("cian", (time.perf_counter() - started) * 1000, error, i))

    started = time.monotonic()
    threads = [threading.Thread(target=poller) for _ in range(POLLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds)
    seconds = time.monotonic() - started
    report(f"CIAN feed ×{POLLERS}", rows, seconds)
    # each web process built the feed as it started, and keeps it until what it reads changes
    report("  first polls", [row for row in rows if row[3] == 0], seconds)
    report("  later polls", [row for row in rows if row[3] > 0], seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("prod", "run"), default="prod")
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=5000, help="bank statement documents imported during the load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds a user reads a page")
    parser.add_argument("--web-workers", type=int, default=None)
    args = parser.parse_args([] if argv is None else argv)  # `python -m benchmarks` passes none

    from app.timeutil import today

    print(machine())
    stack = contextlib.ExitStack()

    work = Path(tempfile.mkdtemp(prefix="arenda-load-"))
    port = free_port()
    env = dict(os.environ, PORT=str(port), SECRET_KEY="load-benchmark-secret-key-0123456789abcdef", SESSION_COOKIE_SECURE="0",
               ARENDA_INSTANCE_DIR=str(work / "instance"), LOG_FORMAT="json",
               PUBLIC_URL=f"http://127.0.0.1:{port}")  # as a server the portals poll has it (docs/deployment.md)
    env.pop("REDIS_URL", None)
    if args.web_workers:
        env["WEB_WORKERS"] = str(args.web_workers)
    redis = None
    if args.mode == "prod":
        from sqlalchemy.engine import make_url

        data = template(f"load_{args.contracts}_{today():%Y%m%d}", generated(args.contracts, today(), prepare=_our_account))
        # a copy per run, so the nightly job and the import do their whole work every time
        url = stack.enter_context(copy_of(data))
        app = app_for(url)
        redis = RedisServer(work).start()
        env.update(DATABASE_URL=make_url(url).render_as_string(hide_password=False), REDIS_URL=redis.url, RQ_WORKERS="2", CRON="0")
        server_command = [sys.executable, "deploy/supervise.py"]
    else:
        (work / "instance").mkdir(parents=True)
        os.environ["ARENDA_INSTANCE_DIR"] = env["ARENDA_INSTANCE_DIR"]
        url = f"sqlite:///{work / 'instance' / 'arenda.db'}"
        generated(args.contracts, today(), prepare=_our_account)(url)
        app = app_for(url)
        env.pop("DATABASE_URL", None)
        server_command = [sys.executable, "run.py"]
    lists, contract_ids, invoice_ids = prepare(app)
    statement = statement_file(args.documents, work)
    cli_env = dict(env, ARENDA_CONFIG="production") if args.mode == "prod" else env

    def pages(kind, rng):
        if kind in lists:
            return lists[kind]
        if kind == "contract card":
            return f"/contractview/show/{rng.choice(contract_ids)}"
        return f"/invoiceview/pdf/{rng.choice(invoice_ids)}"

    cian = feed_path(cli_env)  # before the server starts: the portal has had the URL for long
    log = (work / "server.log").open("w")
    server = subprocess.Popen(server_command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    print(f"load ({args.mode}): {args.contracts} contracts, {args.users} users for {args.seconds} s (think {args.think} s), "
          f"a {args.documents}-document import and the nightly job beside; server log {work / 'server.log'}")
    try:
        wait_for(lambda: requests.get(f"{base}/health", timeout=5).status_code == 200, 180, "the server")
        settle()
        nightly_day = (today() + timedelta(days=31)).isoformat()
        alone = sign_in(base)
        baseline = []
        for kind, _ in PAGES:  # one client alone, warm: the figure the load is compared with
            for n in range(6):
                began = time.perf_counter()
                status = alone.get(base + pages(kind, random.Random(n)), timeout=120).status_code
                if n:
                    baseline.append((kind, (time.perf_counter() - began) * 1000, None if status == 200 else f"HTTP {status}"))
        print("  one user alone (median ms): " + ", ".join(
            f"{kind} {statistics.median(ms for k, ms, _ in baseline if k == kind):.0f}" for kind, _ in PAGES))
        results = []
        users = [User(base, pages, results, args.think, seed) for seed in range(args.users)]
        signing = [threading.Thread(target=lambda u=user: setattr(u, "session", sign_in(base))) for user in users]
        for thread in signing:
            thread.start()
        for thread in signing:
            thread.join(300)
        started, started_at = time.monotonic(), time.time()
        for user in users:
            user.deadline = started + args.seconds
            user.start()
        background = [
            NightlyOnWorker(redis.url, nightly_day) if redis else
            Background("nightly job (flask schedule run)", [sys.executable, "-m", "flask", "--app", "run.py", "schedule", "run",
                                                            "--on", nightly_day], cli_env),
            Background(f"bank import ({args.documents} documents)", [sys.executable, "-m", "flask", "--app", "run.py", "money",
                                                                     "import", str(statement)], cli_env),
        ]
        for user in users:
            user.join(args.seconds + 120)
        elapsed = time.monotonic() - started
        by_kind = defaultdict(list)
        for row in results:
            by_kind[row[0]].append(row)
        for kind, rows in sorted(by_kind.items()):
            report(kind, rows, elapsed)
        report("all pages", results, elapsed)
        for task in background:
            print("  " + task.finish(900))
        busy_until = max((task.ended_at for task in background if task.ended_at), default=None)
        if busy_until is not None:  # the pages while the jobs ran and after: how much of the tail is theirs
            ended_at = started_at + elapsed
            busy_until = min(busy_until, ended_at)
            report("while the jobs ran", [row for row in results if row[3] <= busy_until], max(busy_until - started_at, 1e-3))
            report("after them", [row for row in results if row[3] > busy_until], max(ended_at - busy_until, 1e-3))
        poll_feed(base, cian, 300)
    finally:
        stop_group(server, 90)
        if redis:
            redis.stop()
        log.close()
        _dispose(app)
        stack.close()


if __name__ == "__main__":
    main(sys.argv[1:])
