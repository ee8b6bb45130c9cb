"""A throwaway Redis server on a free loopback port, for the tests of limits shared by nodes.

``make test`` installs Debian's redis-server; without it these tests fail, never skip.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from .liveserver import free_port


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start redis-server with no persistence; yield its URL; stop it afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: `make test` installs Debian's redis-server (as "
                    "root); the shared rate limits are tested against a real one")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    client = redis.Redis.from_url(url)
    for _ in range(100):
        if process.poll() is not None:
            pytest.fail(f"redis-server exited with status {process.returncode}")
        try:
            client.ping()
            return
        except redis.ConnectionError:
            time.sleep(0.05)
    pytest.fail("redis-server did not answer within 5 seconds")
