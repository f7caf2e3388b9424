"""RQ cron registrations, all in UTC. Exactly one process runs them:
`TZ=UTC rq cron app.jobs.cron --url $REDIS_URL` (`make worker` starts it beside `rq worker`).
"""
import os
import time

from rq import cron

from app.jobs import QUEUE
from app.jobs.nightly import run_nightly
from app.jobs.outbox import send_outbox

# rq cron reads cron fields in the process's local time; ours are UTC whatever the host says.
os.environ["TZ"] = "UTC"
time.tzset()

cron.register(run_nightly, queue_name=QUEUE, cron="0 0 * * *", job_timeout=3 * 3600, failure_ttl=7 * 24 * 3600)
cron.register(send_outbox, queue_name=QUEUE, interval=60, job_timeout=1800, failure_ttl=24 * 3600)  # due and retried messages
