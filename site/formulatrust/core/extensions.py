"""Flask extensions created once and bound to each application in the factory."""

import threading
from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class ThreadSafeMemoryStorage(MemoryStorage):
    """In-process rate-limit counters (``safememory://``), safe with gunicorn's threads.

    limits' own MemoryStorage restarts its expiry timer without a lock, so two threads can
    start the same timer and one request fails with "threads can only be started once".
    """

    STORAGE_SCHEME = ["safememory"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._timer_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802  (overrides a private name)
        with self._timer_lock:
            if not self.timer.is_alive():
                self.timer = threading.Timer(
                    0.01, self._MemoryStorage__expire_events)  # type: ignore[attr-defined]  # private
                self.timer.start()
