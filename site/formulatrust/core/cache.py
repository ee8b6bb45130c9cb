"""A small per-process cache with expiry, for facts shared by every can of a batch."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class TTLCache:
    """Least-recently-used entries that expire ``seconds`` after they were made; expired ones
    are dropped as soon as they are met, and from the least-used end whenever one is added."""

    def __init__(self, seconds: float, size: int = 4096,
                 clock: Callable[[], float] = time.monotonic,
                 started: Callable[[], int | None] | None = None) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()
        # Bumped by every clear: a value made from what was read before a clear is not kept.
        # ``started`` may name the generation the current request began with, for values made
        # from entries it read earlier.
        self.generation = 0
        self._started = started

    def get_or_make(self, key: Hashable, make: Callable[[], T],
                    keep: Callable[[T], bool] | None = None) -> T:
        """Return the fresh cached value for ``key``, or make, keep and return it.

        ``None`` is never kept, so an unknown key is looked up again next time; nor is a value
        ``keep`` refuses (so made-up keys from strangers cannot push real entries out).
        """
        if self.seconds <= 0:
            return make()
        now = self.clock()
        started = self._started() if self._started is not None else None
        if started is None:
            started = self.generation
        with self._lock:
            entry = self._entries.get(key)
            if entry and now - entry[0] < self.seconds:
                self._entries.move_to_end(key)
                return entry[1]  # type: ignore[return-value]
            if entry:
                del self._entries[key]
        value = make()
        if value is not None and (keep is None or keep(value)):
            with self._lock:
                if self.generation != started:
                    return value  # cleared meanwhile: made from facts that may be stale
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
                self._evict(now)
        return value

    def _evict(self, now: float) -> None:
        """Drop expired entries from the least-used end, then any beyond ``size``."""
        while self._entries:
            made, _value = next(iter(self._entries.values()))
            if now - made < self.seconds:
                break
            self._entries.popitem(last=False)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        """Return how many entries are kept."""
        return len(self._entries)

    def forget(self, stale: Callable[[Hashable], bool]) -> int:
        """Drop the entries whose key ``stale`` accepts (after a change); return how many."""
        with self._lock:
            keys = [key for key in self._entries if stale(key)]
            for key in keys:
                del self._entries[key]
            self.generation += 1
        return len(keys)

    def clear(self) -> None:
        """Forget everything (after an import, for example)."""
        with self._lock:
            self._entries.clear()
            self.generation += 1
