"""A bounded map whose entries expire: what a process may keep of data that does not change."""

import collections
import threading
import time


class ExpiringCache:
    """At most ``size`` entries, each forgotten ``ttl`` seconds after it was stored (the
    oldest first when full). Safe to share between the threads of a process."""

    def __init__(self, size, ttl, clock=time.monotonic):
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._entries = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The value stored for ``key``, or None when there is none or it expired."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= self._clock():
                del self._entries[key]
                return None
            return value

    def put(self, key, value):
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + self._ttl, value)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()
