"""Requests per second under gunicorn (2 sync workers, as the README hosts it) with wrk."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.prepare import CACHE, SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
# wrk's Lua: count every answer that is not a 200 (a redirect to the login page is fast,
# and wrk's own "Non-2xx or 3xx" line does not count redirects).
COUNTING = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) good = 0; bad = 0 end
function response(status, headers, body)
  if status == 200 then good = good + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local g, b = 0, 0
  for _, t in ipairs(threads) do g = g + t:get("good"); b = b + t:get("bad") end
  io.write(string.format("BENCH good=%d bad=%d p50_us=%d\\n", g, b, latency:percentile(50)))
end
"""


@dataclass(frozen=True)
class Served:
    """One page under load."""

    label: str
    rps: float
    not_200: int
    p50_ms: float


def wrk_path() -> str:
    found = shutil.which("wrk") or "/usr/bin/wrk"
    if not Path(found).exists():
        raise SystemExit("wrk is needed for the gunicorn run (apt-get install wrk), or --no-serve")
    return found


@contextmanager
def gunicorn(url: str, port: int, log: Path) -> Iterator[str]:
    """gunicorn serving the app on the database at `url`; yields its base address."""
    env = dict(os.environ)
    env.update(
        {
            "CRM_DATABASE_URL": url,
            "CRM_SECRET_KEY": SECRET_KEY,
            "CRM_AUTO_MIGRATE": "false",
            "CRM_INSTANCE_PATH": str(CACHE / "instance"),
            "CRM_REDIS_URL": "",
            "CRM_SMTP_URL": "",
        }
    )
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--log-level", "warning",
        "wsgi:app",
    ]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, port, log)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()[-2000:]}")
        try:
            status(port, "/static/favicon.svg", "")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def status(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def load(base: str, port: int, label: str, path: str, cookie: str, seconds: float) -> Served:
    """A few checked requests (each must be 200; they warm both workers), then wrk."""
    for _ in range(2 * WORKERS):
        code = status(port, path, cookie)
        if code != 200:
            raise SystemExit(f"gunicorn answered {code} for {path}, not 200: is the cookie valid?")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(COUNTING)
    command = [
        wrk_path(), "--threads", "1", "--connections", str(2 * WORKERS),
        "--duration", f"{max(1, round(seconds))}s", "--timeout", "10s",
        "--script", script.name, "--header", f"Cookie: {cookie}", base + path,
    ]  # fmt: skip
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    counted = re.search(r"BENCH good=(\d+) bad=(\d+) p50_us=(\d+)", output)
    if not rps or not counted:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    return Served(label, float(rps.group(1)), int(counted.group(2)), int(counted.group(3)) / 1000)
