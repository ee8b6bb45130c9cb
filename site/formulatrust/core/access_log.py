"""gunicorn's access log without personal data: no client address, no user agent, no query
string, and no can serial, booking or report reference in the path (``make run`` uses it)."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from gunicorn.glogging import Logger
from gunicorn.http import Request
from gunicorn.http.wsgi import Response

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

# When, what (method and path with the private parts hidden), status, size, time taken.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
PRIVATE_PARTS = (
    (re.compile(r"(/21/)[^/?]+"), r"\1…"),  # a can's serial
    (re.compile(r"(/open-days/bookings/)[^/?]+"), r"\1…"),  # a booking reference
    (re.compile(r"(/scan/report/)(?!status\b)[^/?]+"), r"\1…"),  # a report reference
)


def private_path(path: str) -> str:
    """Return ``path`` with serials and references replaced by an ellipsis."""
    for pattern, replacement in PRIVATE_PARTS:
        path = pattern.sub(replacement, path)
    return path


class PrivateAccessLog(Logger):
    """The access log with the private parts of every request left out."""

    def atoms(self, resp: Response, req: Request, environ: MutableMapping[str, Any],
              request_time: timedelta) -> _AtomsDict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = private_path(atoms.get("U") or "")
        atoms.update({"h": "-", "a": "-", "q": "", "U": path,
                      "r": f"{atoms.get('m', '-')} {path} {atoms.get('H', '-')}"})
        return atoms
