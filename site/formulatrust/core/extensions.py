"""Flask extensions created once and bound to each application in the factory."""

import threading
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from flask import Flask, Response, request
from flask.globals import request_ctx
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


def init_limiter(app: Flask) -> None:
    """Bind the limiter to ``app``, checking limits only where the site sets them.

    Flask-Limiter looks for default, application and blueprint limits before every request,
    which costs a can page about a tenth of its time. The site's limits are all on routes,
    and each route's decorator checks its own; so that look is dropped unless default or
    application limits are configured.
    """
    # The limiter is one object for every app a process builds (tests build many): each app
    # starts from its own configuration, not the default limits of the one before.
    limiter.limit_manager.set_default_limits([])
    limiter.limit_manager.set_application_limits([])
    limiter.init_app(app)
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # absent when limits are switched off
        hooks.remove(limiter._check_request_limit)
    _only_where_a_limit_was_checked(app)


def _limit_checked() -> bool:
    # Flask-Limiter keeps a request's limits on the request context, made when a limit is
    # first checked; a request no limit applied to has nothing to add or release.
    return hasattr(request_ctx, "_limiter_request_context")


def _only_where_a_limit_was_checked(app: Flask) -> None:
    """Run the limiter's response hook (rate-limit headers, ``Retry-After``) and its teardown
    only for requests a limit was checked on, not for every page."""
    after = app.after_request_funcs.get(None, [])
    for index, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args == (limiter,):
            after[index] = _when_limited(hook)
    teardown = app.teardown_request_funcs.get(None, [])
    release = getattr(limiter, "_Limiter__release_context", None)
    if release in teardown:
        teardown[teardown.index(release)] = _when_limited_teardown(release)


def _when_limited(hook: Callable[[Response], Response]) -> Callable[[Response], Response]:
    @wraps(hook)
    def guarded(response: Response) -> Response:
        return hook(response) if _limit_checked() else response
    return guarded


def _when_limited_teardown(hook: Callable[[BaseException | None], None]
                           ) -> Callable[[BaseException | None], None]:
    @wraps(hook)
    def guarded(error: BaseException | None = None) -> None:
        if _limit_checked():
            hook(error)
    return guarded


def init_csrf(app: Flask) -> None:
    """Bind CSRF protection to ``app``; its check before every request looks at the method
    first, so a page read (GET, HEAD) skips the look-up of the view's exemptions."""
    csrf.init_app(app)
    hooks = app.before_request_funcs.get(None, [])
    for index, hook in enumerate(hooks):
        if getattr(hook, "__name__", "") == "csrf_protect" and hook.__module__ == csrf.__module__:
            hooks[index] = _for_unsafe_methods(app, hook)


def _for_unsafe_methods(app: Flask, hook: Callable[[], Any]) -> Callable[[], Any]:
    @wraps(hook)
    def guarded() -> Any:
        return hook() if request.method in app.config["WTF_CSRF_METHODS"] else None
    return guarded
