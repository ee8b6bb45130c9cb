"""Closed-loop HTTP load generator run in worker processes, away from the server's GIL.

Each process opens a few keep-alive ``http.client`` connections, one per thread. Every thread
sends requests back to back until a shared deadline (``time.monotonic`` is system-wide on Linux,
so deadlines computed in the parent hold in the children). Requests that complete during the
warm-up are discarded; those that complete in the measured window are counted.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What one process saw in the measured window."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: int = 0  # non-2xx/3xx answers and failed requests
    statuses: dict[int, int] = field(default_factory=dict)  # status -> count; 0 = no answer
    bytes: int = 0

    def merge(self, other: Outcome) -> None:
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.bytes += other.bytes
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count


def ready() -> bool:
    """A no-op task to start the worker processes before the first measurement."""
    return True


def hammer(host: str, port: int, path: str, headers: dict[str, str], connections: int,
           start: float, warm_end: float, end: float) -> Outcome:
    """Run ``connections`` keep-alive connections on ``path`` from ``start`` to ``end``."""
    return in_threads(_connection_loop, connections, host, port, path, headers, start,
                      warm_end, end)


def in_threads(loop, count: int, *arguments) -> Outcome:
    """Run ``loop(*arguments, outcome)`` in ``count`` threads; return their merged outcome."""
    outcomes = [Outcome() for _ in range(count)]
    threads = [threading.Thread(target=loop, args=(*arguments, outcome)) for outcome in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Outcome()
    for outcome in outcomes:
        total.merge(outcome)
    return total


def _connection_loop(host: str, port: int, path: str, headers: dict[str, str], start: float,
                     warm_end: float, end: float, outcome: Outcome) -> None:
    delay = start - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        while time.monotonic() < end:
            began = time.perf_counter()
            size = 0
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                size = len(response.read())
                status = response.status
                if response.will_close:
                    connection.close()  # http.client reconnects on the next request
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
            elapsed = time.perf_counter() - began
            done = time.monotonic()
            if done < warm_end or done > end:
                continue
            outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
            if 200 <= status < 400:
                outcome.latencies.append(elapsed)
                outcome.bytes += size
            else:
                outcome.errors += 1
    finally:
        connection.close()
