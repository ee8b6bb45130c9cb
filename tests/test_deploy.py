"""The example deployment under deploy/ parses, and says what the README promises."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import crossplane
import pytest

from formulatrust.core.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.*"))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def exec_lines(path: Path, key: str = "ExecStart") -> list[list[str]]:
    """Every ``key=`` line of a unit, split as systemd would (repeated keys kept)."""
    lines = [line.split("=", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith(f"{key}=")]
    return [shlex.split(line.replace("%%", "%")) for line in lines]


def test_there_are_node_migrate_purge_and_reindex_units():
    names = {path.name for path in UNITS}
    assert {"formulatrust@.service", "formulatrust-migrate.service",
            "formulatrust-purge.service", "formulatrust-purge.timer",
            "formulatrust-reindex@.service", "formulatrust-reindex@.timer"} <= names


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_every_unit_parses_and_services_run_unprivileged_with_settings_from_the_environment(path):
    parsed = unit(path)
    assert parsed.has_section("Unit") and parsed["Unit"].get("Description")
    if path.suffix == ".service":
        service = parsed["Service"]
        assert service["User"] == "formulatrust" and service["UMask"] == "0077"
        assert service["EnvironmentFile"] == "/etc/formulatrust/env"
        assert exec_lines(path)
    else:
        assert parsed.has_section("Timer") and parsed["Install"]["WantedBy"] == "timers.target"


def test_a_node_serves_on_loopback_with_the_private_access_log():
    [command] = exec_lines(DEPLOY / "systemd" / "formulatrust@.service")
    assert command[0].endswith("/gunicorn") and command[-1] == "wsgi:app"
    assert command[command.index("--bind") + 1].startswith("127.0.0.1:")
    assert command[command.index("--logger-class") + 1] == \
        "formulatrust.core.access_log.PrivateAccessLog"
    log_format = command[command.index("--access-logformat") + 1]
    assert "%(h)s" not in log_format and "%(a)s" not in log_format and "%(q)s" not in log_format


def test_the_purge_runs_every_purge_command_that_exists(runner):
    commands = exec_lines(DEPLOY / "systemd" / "formulatrust-purge.service")
    purged = {tuple(command[3:]) for command in commands}
    assert purged == {("scans", "purge"), ("bookings", "purge"), ("reports", "purge"),
                      ("changes", "purge"), ("follow", "purge")}
    for args in purged:
        assert runner.invoke(args=[*args, "--help"]).exit_code == 0


def test_the_example_settings_name_real_settings():
    lines = [line for line in (DEPLOY / "formulatrust.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    names = {line.split("=", 1)[0] for line in lines}
    assert {"FORMULATRUST_SITE_HOST", "FORMULATRUST_SECRET_KEY", "DATABASE_URL",
            "FORMULATRUST_RATELIMIT_STORAGE_URI", "FORMULATRUST_PROXY_COUNT"} <= names
    documented = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in names:  # each one a setting the README's configuration table explains
        assert f"| `{name}`" in documented or f"| `{name}` (" in documented, name
    settings = dict(line.split("=", 1) for line in lines)
    assert settings["FORMULATRUST_RATELIMIT_STORAGE_URI"].startswith("redis://")


def nginx_directives():
    parsed = crossplane.parse(str(DEPLOY / "nginx" / "formulatrust.conf"), single=True,
                              check_ctx=False)
    assert parsed["status"] == "ok", parsed["errors"]

    def walk(block, parents=()):
        for directive in block:
            yield parents, directive
            yield from walk(directive.get("block", []), (*parents, directive["directive"]))
    return list(walk(parsed["config"][0]["parsed"]))


def test_the_nginx_site_parses_and_terminates_tls_for_the_nodes():
    found = nginx_directives()
    listens = [d["args"] for _, d in found if d["directive"] == "listen"]
    assert ["443", "ssl"] in listens
    headers = {tuple(d["args"]) for _, d in found if d["directive"] == "proxy_set_header"}
    assert ("X-Forwarded-Proto", "$scheme") in headers and ("Host", "$host") in headers
    assert any(d["directive"] == "proxy_pass" and d["args"] == ["http://formulatrust_nodes"]
               for _, d in found)
    servers = [d["args"] for parents, d in found
               if d["directive"] == "server" and parents == ("upstream",)]
    assert len(servers) >= 2  # several nodes


def test_the_nginx_log_holds_no_client_address_agent_or_query():
    found = nginx_directives()
    formats = {d["args"][0]: " ".join(d["args"][1:]) for _, d in found
               if d["directive"] == "log_format"}
    for text in formats.values():
        for variable in ("$remote_addr", "$http_user_agent", "$request_uri", "$args",
                         "$http_x_forwarded_for", "$request "):
            assert variable not in text + " "
    logs = [d["args"] for _, d in found if d["directive"] == "access_log"]
    assert logs and all(args == ["off"] or args[1] in formats for args in logs)  # path, format
