"""Delivering the outbox in the background: `send_outbox` is the RQ job (every minute by
rq cron, and enqueued at once after a commit that wrote messages); without Redis the embedded
sender thread does the same. Retries of failed messages follow their back-off in the outbox
(app.notify.sender); RQ retries the job itself when it fails as a whole (e.g. no database)."""
import logging
import threading

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from app.extensions import db
from app.jobs import QUEUE, with_app_context
from app.notify import sender

log = logging.getLogger(__name__)
JOB_RETRY = Retry(max=3, interval=[10, 60, 300])
delivery_asked = threading.Event()  # set without Redis; the embedded sender (app.jobs.embedded) waits on it


@with_app_context
def send_outbox():
    return sender.deliver(db.session)


def request_delivery():
    """Deliver soon: enqueue the job when there is Redis, else wake the embedded sender."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        delivery_asked.set()
        return
    try:
        Queue(QUEUE, connection=Redis.from_url(url)).enqueue(send_outbox, retry=JOB_RETRY, job_timeout=1800)
    except RedisError:  # the minute's cron run delivers them anyway
        log.warning("could not enqueue the outbox delivery; the next cron run will send it", exc_info=True)
