"""Background work yields to pages (app.pacing): with Redis, a request is counted while it is served,
and a job between its batches waits while other requests are served, for a bounded time; a Redis
that does not answer fails no page and stops no job."""
import shutil
import threading
import time

import pytest
from flask import Flask
from redis import Redis

from app import pacing
from tests.conftest import make_app
from tests.processes import RedisServer

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="no redis-server")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def site(redis_url):
    """A small app paced as Arenda's: /page is served until the test lets it end."""
    Redis.from_url(redis_url).delete(pacing.KEY, pacing.LAST_KEY)
    app = Flask(__name__)
    app.config["REDIS_URL"] = redis_url
    pacing.init_app(app)
    release, inside = threading.Event(), []

    @app.route("/page")
    def page():
        inside.append(pacing.others_serving())  # what a job run inside this request (an upload) sees
        release.wait(10)
        return "ok"

    app.release, app.inside = release, inside
    return app


def _serve(app, count=1):
    """`count` requests to /page in threads, each served until app.release is set."""
    answers, inside = [], len(app.inside) + count
    threads = [threading.Thread(target=lambda: answers.append(app.test_client().get("/page").status_code)) for _ in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while len(app.inside) < inside and time.monotonic() < deadline:
        time.sleep(0.01)
    return threads, answers


def _job_sees(app):
    with app.app_context():
        return pacing.others_serving()


def test_a_request_counts_while_it_is_served_and_no_longer_after(site):
    assert _job_sees(site) == 0
    threads, answers = _serve(site, 2)
    assert _job_sees(site) == 2
    site.release.set()
    for thread in threads:
        thread.join(5)
    assert answers == [200, 200]
    assert _job_sees(site) == 0


def test_a_job_run_inside_a_request_does_not_wait_for_its_own_request(site):
    threads, _ = _serve(site)
    assert site.inside == [0]  # alone: the upload's own import does not yield to itself
    more, _ = _serve(site, 2)
    assert len(site.inside) == 3 and min(site.inside[1:]) >= 1  # with others served, it sees them
    site.release.set()
    for thread in threads + more:
        thread.join(5)


def test_a_job_waits_while_a_page_is_served_and_goes_on_as_it_ends(site):
    threads, _ = _serve(site)
    threading.Timer(0.3, site.release.set).start()
    with site.app_context():
        waited = pacing.yield_to_pages(2.0)  # it may wait up to 6 s; the page ends after 0.3 s
    assert 0.25 <= waited < 1.5
    for thread in threads:
        thread.join(5)
    with site.app_context():
        assert pacing.yield_to_pages(2.0) < 0.2  # nobody browses: no wait


def test_a_job_under_constant_browsing_waits_at_most_ratio_times_its_batch(site):
    threads, _ = _serve(site)
    with site.app_context():
        waited = pacing.yield_to_pages(0.1)
    assert 0.1 * pacing.RATIO - 0.01 <= waited < 0.1 * pacing.RATIO + 0.5
    site.release.set()
    for thread in threads:
        thread.join(5)


def test_paced_items_come_in_order_with_a_wait_after_each_while_pages_are_served(site):
    threads, _ = _serve(site)
    worked = []
    with site.app_context():
        began = time.monotonic()
        for item in pacing.paced(range(3)):
            time.sleep(0.05)  # the job's work on its batch
            worked.append(item)
        took = time.monotonic() - began
    site.release.set()
    for thread in threads:
        thread.join(5)
    assert worked == [0, 1, 2]
    assert took >= 3 * 0.05 * (1 + pacing.RATIO) - 0.05  # each batch followed by its bounded wait


def test_a_request_left_by_a_killed_process_stops_counting(site, redis_url):
    Redis.from_url(redis_url).zadd(pacing.KEY, {"killed-mid-request": time.time() - pacing.STALE_SECONDS - 1})
    assert _job_sees(site) == 0
    assert Redis.from_url(redis_url).zcard(pacing.KEY) == 0


def test_a_redis_that_does_not_answer_fails_no_page_and_stops_no_job():
    app = Flask(__name__)
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    pacing.init_app(app)
    app.add_url_rule("/page", "page", lambda: "ok")
    assert app.test_client().get("/page").status_code == 200
    with app.app_context():
        assert pacing.yield_to_pages(5.0) < 1 and not pacing.browsing()


def test_without_redis_nothing_is_kept_and_nothing_waits(app):
    with app.app_context():
        assert pacing.others_serving() == 0 and pacing.yield_to_pages(5.0) < 0.1
        assert not pacing.browsing() and [len(batch) for batch in pacing.slices(range(12), 5, 2)] == [5, 5, 2]


def test_arenda_counts_its_requests_when_it_has_redis(database_url, redis_url):
    served = make_app(database_url, REDIS_URL=redis_url)
    Redis.from_url(redis_url).delete(pacing.KEY)
    with served.test_request_context("/health"):
        served.preprocess_request()
        assert _job_sees(served) == 1
    assert _job_sees(served) == 0


def test_a_job_takes_smaller_batches_while_pages_are_served_and_every_item_once(site):
    items = list(range(23))
    with site.app_context():
        alone = [len(batch) for batch in pacing.slices(items, 10, 3)]
        threads, _ = _serve(site)
        browsed = list(pacing.slices(items, 10, 3))
    site.release.set()
    for thread in threads:
        thread.join(5)
    assert alone == [10, 10, 3]
    assert [len(batch) for batch in browsed] == [3] * 7 + [2]
    assert [item for batch in browsed for item in batch] == items


def test_people_browse_while_a_page_is_served_and_for_a_moment_after(site, redis_url):
    with site.app_context():
        assert not pacing.browsing()
        threads, _ = _serve(site)
        assert pacing.browsing()
        site.release.set()
        for thread in threads:
            thread.join(5)
        assert pacing.browsing()  # the next click comes soon: the job keeps its small batches
        Redis.from_url(redis_url).set(pacing.LAST_KEY, time.time() - pacing.BROWSING_SECONDS - 1)
        assert not pacing.browsing()
