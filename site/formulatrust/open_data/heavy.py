"""Heavy requests (filtered downloads, sending a complete data file, building them) run in a
few slots per worker process (``HEAVY_REQUESTS``), so the other threads stay free for pages.

A request that finds every slot taken is answered 503 at once, never queued: a queued request
would hold its thread while waiting. Filtered downloads are also limited per client
(``DOWNLOAD_RATE_LIMIT``); both refusals point to the complete files on ``/data``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from flask import Flask, Response, abort, current_app, request, url_for
from flask.globals import request_ctx
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from formulatrust.core.errors import render_error
from formulatrust.core.extensions import limiter

POOL_KEY = "formulatrust.heavy"
BUSY_RETRY_SECONDS = 10
_pool_lock = threading.Lock()
TOO_MANY = _l("You have downloaded many filtered files in a short time. Try again later, or "
              "download the complete files at %(url)s: they hold every record and follow "
              "every change.")
BUSY = _l("The site is preparing other downloads at this moment. Try again in a few seconds, "
          "or download the complete files at %(url)s.")


class Pool:
    """The ``HEAVY_REQUESTS`` places of one process, and how many of them are taken."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.taken = 0

    def take(self) -> Slot | None:
        """Take a free place, or return None at once when there is none."""
        if not self._free.acquire(blocking=False):
            return None
        with self._lock:
            self.taken += 1
        return Slot(self)

    def give_back(self) -> None:
        with self._lock:
            self.taken -= 1
        self._free.release()


class Slot:
    """One taken place in the pool; releasing it twice is harmless."""

    def __init__(self, owner: Pool) -> None:
        self._owner = owner
        self._lock = threading.Lock()
        self._held = True

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                self._owner.give_back()

    def sharers(self) -> int:
        """How many heavy requests this process runs now, this one included."""
        return max(1, self._owner.taken)


def pool(app: Flask) -> Pool:
    """Return this process's pool of heavy-request slots (``HEAVY_REQUESTS`` of them)."""
    with _pool_lock:
        if POOL_KEY not in app.extensions:
            app.extensions[POOL_KEY] = Pool(max(1, int(app.config["HEAVY_REQUESTS"])))
        return app.extensions[POOL_KEY]


def try_slot(app: Flask) -> Slot | None:
    """Take a free slot, or return None at once when there is none."""
    return pool(app).take()


def files_url() -> str:
    return url_for("open_data.dictionary", _anchor="files", _external=True)


def with_files_url(message: LazyString) -> LazyString:
    """Return ``message`` naming the complete files, in whichever language it is shown."""
    url = files_url()
    return LazyString(lambda: str(message) % {"url": url})


def take_slot() -> Slot:
    """Take a free slot for this request, or answer 503 with ``Retry-After`` at once."""
    slot = try_slot(current_app._get_current_object())  # type: ignore[attr-defined]
    if slot is None:
        response = render_error(503, with_files_url(BUSY))
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        abort(response)
    return slot


def holding(slot: Slot, first: str, body: Callable[[], Iterator[str]]) -> Iterator[str]:
    """Stream ``first`` at once, then ``body()``; free ``slot`` when it ends or is dropped.

    The body runs in a copy of the request's context (its own database session, closed at the
    end), entered after the first chunk: the request's own context is gone by then, and a
    server that reads the first chunk before sending the headers holds no context meanwhile.
    """
    context = request_ctx.copy()

    def run() -> Iterator[str]:
        try:
            yield first
            with context:
                pace = Pace(slot.sharers)
                for chunk in body():
                    yield chunk
                    pace()
        finally:
            slot.release()
    return run()


class Pace:
    """Make heavy work pause often, so that the heavy work of a process together takes at most
    half of its time: each of ``sharers()`` running heavy requests pauses ``2 × sharers - 1``
    times as long as it has worked (every ``EVERY_SECONDS`` or so).

    Python runs one thread of a process at a time; heavy work that never pauses would leave a
    page view in the same worker waiting its turn over and over, and two downloads pausing
    only as long as they work would still keep the process busy all the time.
    """

    EVERY_SECONDS = 0.02

    def __init__(self, sharers: Callable[[], int] = lambda: 1,
                 clock: Callable[[], float] = time.perf_counter,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._sharers, self._clock, self._sleep = sharers, clock, sleep
        self._since = clock()

    def __call__(self, _done: int = 0) -> None:
        worked = self._clock() - self._since
        if worked >= self.EVERY_SECONDS:
            self._sleep(worked * (2 * max(1, self._sharers()) - 1))
            self._since = self._clock()


def is_download() -> bool:
    """Tell whether this request asks for a filtered download rather than a page."""
    return (request.args.get("format") in ("csv", "json")
            or request.path.endswith((".csv", ".json")))


def refused(limit: RequestLimit) -> Response:
    """The bilingual 429 for a client past its download limit, pointing to the full files."""
    response = render_error(429, with_files_url(TOO_MANY))
    response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time()) + 1))
    return response


# Every filtered download of every list shares one budget per client address.
download_limit = limiter.shared_limit(
    lambda: current_app.config["DOWNLOAD_RATE_LIMIT"], scope="downloads",
    key_func=get_remote_address, exempt_when=lambda: not is_download(), on_breach=refused)
