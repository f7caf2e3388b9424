"""`make prod`: the production processes on one machine, from the environment only.

1. `flask db upgrade` (stops here if it fails);
2. gunicorn serving run:app (gunicorn.conf.py: WEB_WORKERS processes × WEB_THREADS threads);
3. RQ_WORKERS `rq worker` processes (default 2) on the queue, of app.jobs.worker's class (a worker
   that starts resumes the job a worker that died left half-done);
4. with CRON=1 (the default) the one `rq cron app.jobs.cron`, in UTC. Exactly one cron may run
   per installation: on the other machines set CRON=0.
The workers and the cron run at a lower CPU priority (WORKER_NICE, 10 by default): a night's issuing
or a big import takes what the web server leaves, so that pages stay quick while they run.

Needs DATABASE_URL, REDIS_URL and SECRET_KEY (ARENDA_CONFIG=production is set here).
SIGTERM or SIGINT stops everything gracefully: gunicorn finishes its requests
(GRACEFUL_TIMEOUT), each rq worker the job it runs (a job still running after STOP_TIMEOUT is
killed; the nightly job is safe to rerun). A worker or the cron that ends on its own (an rq
worker exits when Redis goes away) is started again, after 1, 2, 4 … 30 s; if the web server
ends, the others are stopped and this exits non-zero, for systemd to restart the lot.
With systemd, run the processes as separate units instead (docs/deployment.md).
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
MAX_DELAY = 30  # seconds between restarts of a worker that keeps exiting


def commands(env):
    python, redis = sys.executable, env["REDIS_URL"]
    yield "web", [python, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "run:app"]
    for n in range(int(env.get("RQ_WORKERS", "2"))):
        yield f"worker-{n + 1}", [python, "-m", "rq.cli", "worker", "-w", "app.jobs.worker.Worker", "--url", redis, "default"]
    if env.get("CRON", "1") != "0":
        yield "cron", [python, "-m", "rq.cli", "cron", "app.jobs.cron", "--url", redis]


def stop(processes, timeout):
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for name, process in processes.items():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"supervise: {name} did not stop in {timeout} s, killed", file=sys.stderr, flush=True)
            process.kill()
            process.wait()


def main():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        sys.exit(f"supervise: {', '.join(missing)} not set (see docs/deployment.md)")
    env = dict(os.environ, ARENDA_CONFIG="production", TZ="UTC")
    migrated = subprocess.run([sys.executable, "-m", "flask", "--app", "run.py", "db", "upgrade"], cwd=ROOT, env=env)
    if migrated.returncode:
        sys.exit(f"supervise: flask db upgrade failed ({migrated.returncode})")

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    every = dict(commands(env))
    processes = {name: start(command, env, niced=name != "web") for name, command in every.items()}
    print(f"supervise: started {', '.join(f'{n} ({p.pid})' for n, p in processes.items())}", file=sys.stderr, flush=True)
    restart_at = {}
    while not stopping and processes["web"].poll() is None:
        time.sleep(0.5)
        now = time.monotonic()
        for name, process in processes.items():
            if name == "web" or process.poll() is None:
                continue
            if name not in restart_at:  # one that lived long gets 1 s again, one that keeps exiting waits longer
                process.delay = 1 if now - process.started > MAX_DELAY else min(MAX_DELAY, max(1, 2 * process.delay))
                restart_at[name] = now + process.delay
                print(f"supervise: {name} exited with {process.returncode}; starting it again in {process.delay} s",
                      file=sys.stderr, flush=True)
            elif now >= restart_at[name]:
                del restart_at[name]
                processes[name] = start(every[name], env, process.delay, niced=True)
    failed = processes["web"].poll() is not None and not stopping
    if failed:
        print(f"supervise: web exited with {processes['web'].returncode}; stopping the others", file=sys.stderr, flush=True)
    stop(processes, int(env.get("STOP_TIMEOUT", "60")))
    sys.exit(1 if failed else 0)


def start(command, env, delay=0, niced=False):
    # its own session: a Ctrl-C reaches only this process, which stops each child gracefully (SIGTERM)
    nice = int(env.get("WORKER_NICE", "10")) if niced else 0
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                               preexec_fn=(lambda: os.nice(nice)) if nice else None)
    process.started, process.delay = time.monotonic(), delay
    return process


if __name__ == "__main__":
    main()
