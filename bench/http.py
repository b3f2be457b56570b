"""HTTP throughput under gunicorn: the children list of a Kent-size authority, over loopback.

Run from the repository root against the bench database (scripts/bench.sh sets it up; the
environment's DATABASE_URL and REDIS_URL are passed to gunicorn):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.http

Starts ``gunicorn valuing_send.wsgi:application`` on a free loopback port with 2 **sync**
workers (gunicorn's default worker class: one request at a time per worker, a new connection
per request), signs in once as a caseworker through the real sign-in form (CSRF token and
all), then drives ``/children/`` with 4 concurrent clients (Python threads, ``http.client``)
for 10 s or 2,000 requests, whichever comes first. The **floor** is ``bench.bare_site``: the
same settings and middleware behind the same gunicorn command, with a view that returns "ok"
without the database or a template, driven the same way with the same cookie.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from bench import _dataset
from bench._report import Metric, write_report

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
WORKER_CLASS = "sync"
CLIENTS = 4
DURATION = 10.0
MAX_REQUESTS = 2_000
WARM_UP = 40
APP_PATH = "/children/"
BARE_PATH = "/bare/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


class Gunicorn:
    """``gunicorn <module>:application`` on a free loopback port, stopped on exit."""

    def __init__(self, module: str, settings_module: str, probe: str):
        self.module = module
        self.probe = probe
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        self.env.pop("DJANGO_PRODUCTION", None)
        self.env.pop("DJANGO_DEBUG", None)
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            f"{module}:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            WORKER_CLASS,
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn {self.module} exited: {self._log_tail()}")
            try:
                request(self.port, "GET", self.probe)
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn {self.module} did not answer within 60 s: {self._log_tail()}")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def _log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]


def _cookies(message) -> dict[str, str]:
    jar = SimpleCookie()
    for header in message.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real form; returns the Cookie header of the signed-in session."""
    status, message, body = request(port, "GET", "/sign-in/")
    if status != 200:
        raise SystemExit(f"GET /sign-in/ answered {status}")
    cookies = _cookies(message)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None or "csrftoken" not in cookies:
        raise SystemExit("No CSRF token on the sign-in page")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": email,
            "password": password,
            "next": "",
        }
    )
    status, message, _ = request(
        port,
        "POST",
        "/sign-in/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
        body=form,
    )
    cookies |= _cookies(message)
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Signing in answered {status} without a session")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def drive(port: int, path: str, cookie: str, *, duration: float, limit: int) -> dict:
    """``CLIENTS`` threads requesting ``path`` until ``duration`` seconds or ``limit`` requests."""
    headers = {"Cookie": cookie, "Accept": "text/html"}
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[int] = []
    issued = [0]
    started = time.perf_counter()
    deadline = started + duration

    def client():
        while True:
            with lock:
                if issued[0] >= limit or time.perf_counter() >= deadline:
                    return
                issued[0] += 1
            sent = time.perf_counter()
            try:
                status, _, body = request(port, "GET", path, headers)
            except OSError:
                status, body = 0, b""
            elapsed = (time.perf_counter() - sent) * 1000
            with lock:
                if status == 200 and body:
                    latencies.append(elapsed)
                else:
                    failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "failure_statuses": sorted(set(failures)),
        "seconds": round(wall, 2),
        "per_second": len(latencies) / wall,
        "p50": _dataset.percentile(latencies, 0.5) if latencies else 0.0,
        "p95": _dataset.percentile(latencies, 0.95) if latencies else 0.0,
    }


def run(module: str, settings_module: str, path: str, signed_in: tuple[str, str] | None, cookie):
    with Gunicorn(module, settings_module, probe="/sign-in/" if signed_in else path) as server:
        if signed_in is not None:
            cookie = sign_in(server.port, *signed_in)
        drive(server.port, path, cookie, duration=60, limit=WARM_UP)
        result = drive(server.port, path, cookie, duration=DURATION, limit=MAX_REQUESTS)
    return result, cookie


def main() -> None:
    _dataset.django_setup()
    authority = _dataset.bench_authority()
    _dataset.bench_caseworker(authority)
    extra = _dataset.context(authority)
    from django.db import connections

    connections.close_all()

    app, cookie = run(
        "valuing_send.wsgi",
        "valuing_send.settings",
        APP_PATH,
        (_dataset.CASEWORKER_EMAIL, _dataset.CASEWORKER_PASSWORD),
        None,
    )
    bare, _ = run("bench.bare_site", "bench.bare_site", BARE_PATH, None, cookie)
    label = "bare Django view, same gunicorn command"
    metrics = [
        Metric(
            "children list throughput", app["per_second"], "requests/s", bare["per_second"], label
        ),
        Metric("children list p50", app["p50"], "ms", bare["p50"], label, higher_is_better=False),
        Metric("children list p95", app["p95"], "ms", bare["p95"], label, higher_is_better=False),
    ]
    extra |= {
        "server": f"gunicorn {{module}}:application --workers {WORKERS} --worker-class "
        f"{WORKER_CLASS} on 127.0.0.1 (DEBUG off, DJANGO_ALLOWED_HOSTS=127.0.0.1)",
        "clients": f"{CLIENTS} Python threads with http.client, a new connection per request, "
        f"{WARM_UP} warm-up requests then {DURATION:.0f} s or {MAX_REQUESTS} requests",
        "app": {"path": APP_PATH, **app},
        "floor": {"path": BARE_PATH, **bare},
    }
    write_report("http", metrics, extra)
    for label, result in (("app", app), ("floor", bare)):
        if result["failures"]:
            print(f"  WARNING: {label}: {result['failures']} failed requests {result}")


if __name__ == "__main__":
    main()
