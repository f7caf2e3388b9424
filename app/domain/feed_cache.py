"""The listing feeds as last built in this process, kept while nothing they read has changed.

Building a feed reads every floor, room and letting contract (about a second of CPU at 20,000
rooms); pollers ask for it far more often than it changes. An entry is kept per feed and base
URL with the stamp it was built at — the feeds' change stamp (app.domain.changes, read before
the data) and the day (occupancy follows the date) — and rebuilt once either moves. One thread
builds while the others asking for the same feed wait for its result instead of building too.
"""
import threading


class FeedCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._building = {}  # key -> the lock its builder holds
        self._entries = {}  # key -> (stamp, value)

    def get(self, key, stamp, build):
        """What `build()` returned for `key` at `stamp`: kept, or built now."""
        with self._lock:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                entry = self._entries[key] = (stamp, build())
            return entry[1]
