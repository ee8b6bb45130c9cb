"""gunicorn's access log without personal data: no client address, no user agent, no query
string, and no can serial, booking or report reference in the path (``make run`` uses it).

Lines are kept in memory and written a batch at a time, so that the log keeps up with the site
at full speed (one write per batch instead of a write and a flush per request); whatever is
still buffered is written when the worker exits cleanly, and when gunicorn reopens its logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn._types import _EnvironType
    from gunicorn.config import Config
    from gunicorn.glogging import _AtomsDict
import logging
import os
import re
import threading
import time
import traceback
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from gunicorn import util
from gunicorn.glogging import Logger, SafeAtoms
from gunicorn.http import Request
from gunicorn.http.wsgi import Response

# When, what (method and path with the private parts hidden), status, size, time taken.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
PRIVATE_PARTS = (
    (re.compile(r"(/21/)[^/?]+"), r"\1…"),  # a can's serial
    (re.compile(r"(/open-days/bookings/)[^/?]+"), r"\1…"),  # a booking reference
    (re.compile(r"(/scan/report/)(?!status\b)[^/?]+"), r"\1…"),  # a report reference
)
BATCH_LINES = 256  # written at once when this many are waiting
BATCH_SECONDS = 0.5  # and at the latest this long after the first of them


def private_path(path: str) -> str:
    """Return ``path`` with serials and references replaced by an ellipsis."""
    for pattern, replacement in PRIVATE_PARTS:
        path = pattern.sub(replacement, path)
    return path


class BatchedLines(logging.Handler):
    """Format records at once, write them to ``target``'s stream in batches."""

    def __init__(self, target: logging.StreamHandler, lines: int = BATCH_LINES,
                 seconds: float = BATCH_SECONDS) -> None:
        super().__init__()
        self.target, self.lines, self.seconds = target, lines, seconds
        self.setFormatter(target.formatter)
        self._waiting: list[str] = []
        self._timer_pid: int | None = None
        self._wake = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.add(line)

    def add(self, line: str) -> None:
        """Queue one formatted line."""
        with self.lock:  # type: ignore[union-attr]
            self._waiting.append(line)
            full = len(self._waiting) >= self.lines
        if full:
            self.flush()
        elif self._timer_pid != os.getpid():  # threads do not survive gunicorn's fork
            self._start_timer()

    def flush(self) -> None:
        """Write every waiting line in one call."""
        with self.lock:  # type: ignore[union-attr]
            lines, self._waiting = self._waiting, []
        if not lines:
            return
        self.target.acquire()
        try:
            stream = self.target.stream
            if stream is not None:
                stream.write("\n".join(lines) + "\n")
                stream.flush()
        finally:
            self.target.release()

    def close(self) -> None:
        self.flush()
        self._wake.set()
        super().close()

    def _start_timer(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if self._timer_pid == os.getpid():
                return
            self._timer_pid, self._wake = os.getpid(), threading.Event()
        threading.Thread(target=self._flush_now_and_then, args=(self._wake,), daemon=True,
                         name="access-log").start()

    def _flush_now_and_then(self, stop: threading.Event) -> None:
        while not stop.wait(self.seconds):
            self.flush()


# Request headers and environment variables that carry a client's address.
ADDRESS_ATOMS = ("{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i", "{remote_addr}e",
                 "{http_x_forwarded_for}e", "{http_x_real_ip}e", "{http_forwarded}e")


class RequestAtoms:
    """The atoms of one request for the log format, each worked out only when asked for.

    gunicorn builds every atom (all headers and the environment) for each line; the usual
    format needs six of them.
    """

    _stamp: tuple[int, str] = (0, "")

    def __init__(self, log: PrivateAccessLog, resp: Response, req: Request,
                 environ: _EnvironType, request_time: timedelta) -> None:
        self.log, self.resp, self.req, self.environ = log, resp, req, environ
        self.request_time = request_time
        self._all: SafeAtoms | None = None

    def __getitem__(self, key: str) -> object:
        if key == "t":
            return self.now()
        if key == "m":
            return self.environ.get("REQUEST_METHOD")
        if key == "U":
            return private_path(self.environ.get("PATH_INFO", ""))
        if key == "s":
            status = self.resp.status
            return status.split(None, 1)[0] if isinstance(status, str) else status
        if key == "b":
            sent = getattr(self.resp, "sent", None)
            return str(sent) if sent is not None else "-"
        if key == "M":
            return self.request_time.seconds * 1000 + self.request_time.microseconds // 1000
        if self._all is None:
            self._all = SafeAtoms(dict(self.log.atoms(self.resp, self.req, self.environ,
                                                      self.request_time)))
        return self._all[key]

    @classmethod
    def now(cls) -> str:
        """Return the time as gunicorn writes it, formatted once a second."""
        second = int(time.time())
        if cls._stamp[0] != second:
            cls._stamp = (second, time.strftime("[%d/%b/%Y:%H:%M:%S %z]",
                                                time.localtime(second)))
        return cls._stamp[1]


class PrivateAccessLog(Logger):
    """The access log with the private parts of every request left out, written in batches."""

    batch_lines, batch_seconds = BATCH_LINES, BATCH_SECONDS

    def setup(self, cfg: Config) -> None:
        for handler in self._batched():  # a configuration reload replaces them
            handler.close()
        super().setup(cfg)
        for stream_handler in list(self.access_log.handlers):
            if getattr(stream_handler, "_gunicorn", False) and isinstance(
                    stream_handler, logging.StreamHandler):
                batched = BatchedLines(stream_handler, self.batch_lines, self.batch_seconds)
                batched._gunicorn = True  # type: ignore[attr-defined]  # replaced on reload
                self.access_log.removeHandler(stream_handler)
                self.access_log.addHandler(batched)

    def reopen_files(self) -> None:
        """Write what is waiting, then let gunicorn reopen the files (log rotation)."""
        for handler in self._batched():
            handler.flush()
            target = handler.target
            if isinstance(target, logging.FileHandler):
                target.acquire()
                try:
                    if target.stream:
                        target.close()
                        target.stream = target._open()
                finally:
                    target.release()
        super().reopen_files()

    def close_on_exec(self) -> None:
        super().close_on_exec()
        for handler in self._batched():
            stream = getattr(handler.target, "stream", None)
            if isinstance(handler.target, logging.FileHandler) and stream:
                util.close_on_exec(stream.fileno())

    def _batched(self) -> list[BatchedLines]:
        access_log = getattr(self, "access_log", None)
        handlers = access_log.handlers if access_log else []
        return [handler for handler in handlers if isinstance(handler, BatchedLines)]

    def access(self, resp: Response, req: Request, environ: _EnvironType,
               request_time: timedelta) -> None:
        """Write the line straight into the batch when only batches are written."""
        handlers = self._batched()
        if not self.access_log_enabled or not handlers or len(handlers) != len(
                self.access_log.handlers):
            super().access(resp, req, environ, request_time)
            return
        try:
            line = self.cfg.access_log_format % RequestAtoms(self, resp, req, environ,
                                                             request_time)
        except Exception:
            self.error(traceback.format_exc())
            return
        for handler in handlers:
            handler.add(line)

    def atoms(self, resp: Response, req: Request, environ: MutableMapping[str, Any],
              request_time: timedelta) -> _AtomsDict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = private_path(atoms.get("U") or "")
        atoms.update({"h": "-", "a": "-", "q": "", "U": path,
                      "r": f"{atoms.get('m', '-')} {path} {atoms.get('H', '-')}"})
        # gunicorn's atoms also hold one key per header and environment variable; its type
        # stubs list only the fixed ones.
        atoms.update(dict.fromkeys(ADDRESS_ATOMS, "-"))  # type: ignore[typeddict-item]
        return atoms
