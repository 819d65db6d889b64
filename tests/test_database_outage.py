"""A PostgreSQL cluster of the test's own, stopped and frozen under a running app."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from crm import create_app
from crm.database import upgrade
from tests import factories
from tests.conftest import TEST_PASSWORD, app_config


def _free_port() -> int:
    """A port nobody listens on now: two suites on one machine each get their own cluster."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CONNECT_TIMEOUT = 2
# Generous against a slow machine, far below the 40 s a frozen database used to hang.
BOUND_SECONDS = 4 * CONNECT_TIMEOUT
LOGIN = {"email": "creator@example.com", "password": TEST_PASSWORD}
pytestmark = pytest.mark.postgres_only


def _tools() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _postgres_user() -> bool:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return shutil.which("runuser") is not None


class Cluster:
    """initdb + pg_ctl as the `postgres` OS user (initdb refuses root), in a tmp dir."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir, self.root, self.data = bin_dir, root, root / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(self.bin_dir / tool), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    bin_dir = _tools()
    if bin_dir is None or not _postgres_user() or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's server tools, the postgres user and root (runuser)")
    root = Path(tempfile.mkdtemp(prefix="crm-outage-"))
    shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(bin_dir, root)
    cluster.init()
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            os.kill(cluster.postmaster_pid(), signal.SIGCONT)
            cluster.stop()
        except (OSError, subprocess.CalledProcessError):
            pass
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def outage_app(cluster: Cluster, tmp_path) -> Iterator[Flask]:
    upgrade(cluster.url)
    app = create_app(
        app_config(
            cluster.url,
            tmp_path,
            DATABASE_CONNECT_TIMEOUT=CONNECT_TIMEOUT,
            DATABASE_STATEMENT_TIMEOUT_MS=2000,
            DATABASE_POOL_TIMEOUT=CONNECT_TIMEOUT,
        )
    )
    session = app.extensions["crm.db"].sessionmaker()
    factories.make_user(session, email="creator@example.com")
    session.close()
    yield app
    app.extensions["crm.db"].engine.dispose()


def _timed_get(client, path: str) -> tuple[int, float]:
    started = time.monotonic()
    response = client.get(path)
    return response.status_code, time.monotonic() - started


def test_a_stopped_database_gives_503_and_the_app_recovers_when_it_is_back(
    cluster: Cluster, outage_app: Flask
) -> None:
    client = outage_app.test_client()
    assert client.post("/login", data=LOGIN).status_code == 302
    assert client.get("/dashboard").status_code == 200

    cluster.stop()
    status, elapsed = _timed_get(client, "/dashboard")
    assert status == 503 and elapsed < BOUND_SECONDS
    # Still down: every page says so, none hangs.
    assert _timed_get(client, "/brands/")[0] == 503

    cluster.start()
    assert client.get("/dashboard").status_code == 200  # same client, same app, no restart


def test_a_frozen_database_gives_503_after_the_connect_timeout(
    cluster: Cluster, outage_app: Flask
) -> None:
    client = outage_app.test_client()
    assert client.post("/login", data=LOGIN).status_code == 302
    assert client.get("/dashboard").status_code == 200
    # Pooled connections talk to their own backends; a new one needs the postmaster.
    outage_app.extensions["crm.db"].engine.dispose()

    os.kill(cluster.postmaster_pid(), signal.SIGSTOP)
    try:
        status, elapsed = _timed_get(client, "/dashboard")
    finally:
        os.kill(cluster.postmaster_pid(), signal.SIGCONT)
    assert status == 503
    assert CONNECT_TIMEOUT * 0.9 <= elapsed < BOUND_SECONDS
    assert client.get("/dashboard").status_code == 200
