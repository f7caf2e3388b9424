"""Entry point: `flask --app run.py <command>` runs the CLI; `run:app` is what gunicorn serves
(gunicorn.conf.py); `python run.py` starts that same server (what `make run` does).

Without REDIS_URL (the embedded mode) the server also runs the nightly job itself, at start-up
and at every 00:00 UTC, and sends the outbox, in exactly one of its processes
(app/jobs/embedded.py); with Redis, rq workers and one rq cron run them (`make prod`).
"""
import os
import sys
from pathlib import Path

if __name__ == "__main__":  # replaced by gunicorn, which imports this module as `run`
    here = Path(__file__).resolve().parent
    os.chdir(here)
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--config", str(here / "gunicorn.conf.py"), "run:app"])

from app import create_app  # noqa: E402

app = create_app()
