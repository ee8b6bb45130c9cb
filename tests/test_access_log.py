"""The access log as `make run` writes it keeps no personal data (README: Running it for real)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from formulatrust.core.access_log import ACCESS_LOG_FORMAT, PrivateAccessLog, private_path
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


def test_no_format_brings_a_client_address_back(tmp_path):
    log_file, config = tmp_path / "access.log", Config()
    config.set("accesslog", str(log_file))
    config.set("access_log_format", '%(h)s %({x-forwarded-for}i)s %({remote_addr}e)s '
                                    '%({x-real-ip}i)s "%(r)s" %(s)s')
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/01/09521234500018/21/S7",
               "PATH_INFO": "/01/09521234500018/21/S7", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "198.51.100.4", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.9"),
                                       ("X-REAL-IP", "203.0.113.9")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    log = PrivateAccessLog(config)
    log.access(response, request, environ, timedelta(milliseconds=3))
    log.access_log.handlers[0].flush()
    line = log_file.read_text(encoding="utf-8")
    assert line == '- - - - "GET /01/09521234500018/21/… HTTP/1.1" 200\n'


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


def test_the_buffered_log_keeps_every_line_of_a_clean_shutdown_and_no_address(database_url,
                                                                               tmp_path):
    log, requests = tmp_path / "access.log", 40
    options = ("--access-logfile", str(log), "--logger-class",
               "tests.held_access_log.HeldAccessLog", "--access-logformat", ACCESS_LOG_FORMAT)
    with serving(database_url, tmp_path, "held_log", lambda _app: None, options) as base:
        for number in range(requests):
            request = urllib.request.Request(f"{base}/held-line/{number}",
                                             headers={"X-Forwarded-For": "203.0.113.9"})
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except urllib.error.HTTPError as error:
                assert error.code == 404
        assert "/held-line/" not in log.read_text(encoding="utf-8")  # still held in memory
    # serving() stopped gunicorn with SIGTERM: a clean shutdown.
    text = log.read_text(encoding="utf-8")
    logged = re.findall(r'"GET /held-line/(\d+)" 404 ', text)
    assert sorted(map(int, logged)) == list(range(requests))
    assert "127.0.0.1" not in text and "203.0.113.9" not in text
