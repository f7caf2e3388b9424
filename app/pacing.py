"""Background work yields to pages. On a served installation with Redis (`make prod`) the web
processes, the rq workers and the PostgreSQL backends serving both share the machine's cores, and
the backends know nothing of a worker's nice level: a nightly job or a big bank import took the
cores from the pages for as long as it ran. So every request a web process serves is kept in a
Redis sorted set while it runs, and a job, between two of its batches (`paced`), waits while
another request is being served — at most `RATIO` times what the batch took, so that a job under
constant browsing still gets a share of the time and ends — and takes smaller batches meanwhile
(`slices`). Nobody browses at night: the nightly job then runs at full speed.

Without Redis (the embedded mode) nothing is kept and nothing waits. A failing Redis never fails a
page, and a job that cannot read the set goes on.
"""
import logging
import time
import uuid

from flask import current_app, g, has_app_context, has_request_context
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
KEY = "arenda:pages:serving"
LAST_KEY = "arenda:pages:last"  # when the last request began
BROWSING_SECONDS = 2  # a request begun as recently: people are browsing (`slices`)
RATIO = 8  # a job waits at most 8× its batch: under constant browsing it keeps a ninth of its pace
STALE_SECONDS = 60  # a request older than this (its process killed mid-request) no longer counts
POLL_SECONDS = 0.02
TIMEOUT_SECONDS = 0.25
_EXTENSION = "arenda.pacing"


def init_app(app):
    """With REDIS_URL: note each request in the set while it runs."""
    url = app.config.get("REDIS_URL")
    if not url:
        return
    app.extensions[_EXTENSION] = Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
    app.before_request(_serving)
    app.teardown_request(_served)


def _redis():
    return current_app.extensions.get(_EXTENSION) if has_app_context() else None


def _serving():
    member, now = uuid.uuid4().hex, time.time()
    try:
        with _redis().pipeline(transaction=False) as pipe:
            pipe.zadd(KEY, {member: now})
            pipe.set(LAST_KEY, now, ex=STALE_SECONDS)
            pipe.execute()
        g.pacing_member = member
    except RedisError as error:
        log.debug("pages are not kept for pacing: %s", error)


def _served(exception=None):
    member = g.pop("pacing_member", None)
    if member is not None:
        try:
            _redis().zrem(KEY, member)
        except RedisError as error:
            log.debug("a page stays in the pacing set until it is stale: %s", error)


def others_serving():
    """How many requests other than this one (a job run inside an upload's request) are being
    served; 0 without Redis or when it does not answer."""
    redis = _redis()
    if redis is None:
        return 0
    own = g.get("pacing_member") if has_request_context() else None
    oldest = time.time() - STALE_SECONDS
    try:
        with redis.pipeline(transaction=False) as pipe:
            pipe.zremrangebyscore(KEY, "-inf", f"({oldest}")
            pipe.zcard(KEY)
            pipe.zscore(KEY, own or "-")
            _, serving, own_score = pipe.execute()
    except RedisError as error:
        log.debug("pacing cannot read the pages being served: %s", error)
        return 0
    return serving - (own_score is not None)


def browsing():
    """Other requests are being served, or one began in the last BROWSING_SECONDS; False without Redis."""
    redis = _redis()
    if redis is None:
        return False
    if others_serving():
        return True
    try:
        last = redis.get(LAST_KEY)
    except RedisError:
        return False
    return last is not None and time.time() - float(last) < BROWSING_SECONDS


def yield_to_pages(worked):
    """After a batch that took `worked` seconds: wait while other requests are being served, at most
    RATIO × worked. Returns the seconds waited."""
    began = time.monotonic()
    limit = began + RATIO * worked
    while time.monotonic() < limit and others_serving():
        time.sleep(POLL_SECONDS)
    return time.monotonic() - began


def slices(items, size, browsed):
    """`items` (a sequence) in slices of `size`, or of the smaller `browsed` while people browse
    (`browsing`): a smaller batch is sooner out of the pages' way (its end is where a job yields)."""
    start = 0
    while start < len(items):
        end = start + (browsed if browsing() else size)
        yield items[start:end]
        start = end


def paced(items):
    """The items of `items`, yielding to pages (`yield_to_pages`) after the caller's work on each:
    the time a batch took counts its making and the caller's work on it."""
    started = time.monotonic()
    for item in items:
        yield item
        yield_to_pages(time.monotonic() - started)
        started = time.monotonic()
