"""The kept listing feeds (app.domain.feed_cache): rebuilt once per stamp; while one request
rebuilds, the others get the previous feed at once; with nothing kept they wait for the build."""
import threading

import pytest

from app.domain.feed_cache import FeedCache


def _never():
    raise AssertionError("built again")


def _slow(started, release, value, calls):
    def build():
        calls.append(value)
        started.set()
        assert release.wait(10)
        return value

    return build


def test_a_feed_is_built_once_per_stamp():
    cache, calls = FeedCache(), []
    assert cache.get("cian", 1, lambda: calls.append(1) or "v1") == "v1"
    assert cache.get("cian", 1, _never) == "v1"
    assert cache.get("avito", 1, lambda: "other") == "other"  # each feed its own entry
    assert cache.get("cian", 2, lambda: "v2") == "v2" and calls == [1]


def test_while_it_rebuilds_the_others_get_the_previous_feed_at_once():
    cache, calls, started, release = FeedCache(), [], threading.Event(), threading.Event()
    cache.get("cian", 1, lambda: "v1")
    results = []
    builder = threading.Thread(target=lambda: results.append(cache.get("cian", 2, _slow(started, release, "v2", calls))))
    builder.start()
    assert started.wait(10)
    assert cache.get("cian", 2, _never) == "v1"  # not queued behind the build
    release.set()
    builder.join(10)
    assert results == ["v2"] and cache.get("cian", 2, _never) == "v2" and calls == ["v2"]


def test_with_nothing_kept_the_others_wait_for_the_first_build():
    cache, calls, started, release = FeedCache(), [], threading.Event(), threading.Event()
    results = []
    builder = threading.Thread(target=lambda: results.append(cache.get("cian", 1, _slow(started, release, "v1", calls))))
    builder.start()
    assert started.wait(10)
    waiter = threading.Thread(target=lambda: results.append(cache.get("cian", 1, _never)))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and results == []  # nothing to give yet: it waits
    release.set()
    builder.join(10)
    waiter.join(10)
    assert results == ["v1", "v1"] and calls == ["v1"]


def test_a_failed_build_leaves_the_next_request_to_build():
    cache = FeedCache()

    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cache.get("cian", 1, broken)
    assert cache.get("cian", 1, lambda: "v1") == "v1"
