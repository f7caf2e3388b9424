"""The listing feeds as last built in this process, kept while nothing they read has changed.

Building a feed reads every floor, room and letting contract (about a second of CPU at 20,000
rooms); pollers ask for it far more often than it changes. An entry is kept per feed and base
URL with the stamp it was built at — the feeds' change stamp (app.domain.changes, read before
the data) and the day (occupancy follows the date) — and rebuilt once either moves, by the
request that finds it stale. Requests arriving while it rebuilds get the feed as it was a moment
ago rather than queueing behind the build (a poller sees the change at its next poll); only
when nothing is kept yet do they wait for the first build.
"""
import threading


class FeedCache:
    def __init__(self):
        self._changed = threading.Condition()
        self._entries = {}  # key -> (stamp, value)
        self._building = set()  # keys a thread is building now

    def get(self, key, stamp, build):
        """What `build()` returned for `key` at `stamp`; built now by this thread when stale, unless
        another thread is at it: then what was kept before, or (nothing kept) that thread's result."""
        with self._changed:
            while True:
                entry = self._entries.get(key)
                if entry is not None and (entry[0] == stamp or key in self._building):
                    return entry[1]
                if key not in self._building:
                    self._building.add(key)
                    break
                self._changed.wait()
        try:
            value = build()
            with self._changed:
                self._entries[key] = (stamp, value)
            return value
        finally:
            with self._changed:
                self._building.discard(key)
                self._changed.notify_all()
