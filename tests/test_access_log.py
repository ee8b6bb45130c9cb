"""The access log as `make run` writes it keeps no personal data (README: Running it for real)."""

from __future__ import annotations

import re
import urllib.request

from formulatrust.core.access_log import ACCESS_LOG_FORMAT, private_path
from formulatrust.core.config import PROJECT_ROOT

from .liveserver import serving

MAKEFILE = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")


def test_make_run_uses_the_private_access_log():
    assert "--logger-class formulatrust.core.access_log.PrivateAccessLog" in MAKEFILE
    assert f"--access-logformat '{ACCESS_LOG_FORMAT}'" in MAKEFILE


def test_paths_lose_serials_and_references():
    assert private_path("/01/09521234500018/10/L1/21/SECRET7") == "/01/09521234500018/10/L1/21/…"
    assert private_path("/open-days/bookings/AB12-CD34/ticket.ics") == \
        "/open-days/bookings/…/ticket.ics"
    assert private_path("/scan/report/3FA9C2D1") == "/scan/report/…"
    assert private_path("/scan/report/status") == "/scan/report/status"


def test_the_log_names_no_address_agent_serial_or_query(database_url, tmp_path):
    log = tmp_path / "access.log"
    options = ("--access-logfile", str(log), "--logger-class",
               "formulatrust.core.access_log.PrivateAccessLog",
               "--access-logformat", ACCESS_LOG_FORMAT)
    with serving(database_url, tmp_path, "access_log", lambda _app: None, options) as base:
        request = urllib.request.Request(f"{base}/01/09521234500018/21/SECRET7?lang=en&x=1",
                                         headers={"User-Agent": "PrivateBrowser/1.0"})
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except OSError:
            pass  # an unknown product is a 404; the log line is what counts
    text = log.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "/01/" in line)
    assert "SECRET7" not in text and "PrivateBrowser" not in text and "127.0.0.1" not in line
    assert "lang=en" not in text
    assert re.search(r'"GET /01/09521234500018/21/…" 404 ', line), line
