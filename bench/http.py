"""HTTP under gunicorn: the children list of a Kent-size authority over loopback, against the
same HTML pre-rendered and served by the same processes to the same signed-in client.

Run from the repository root against the bench database (scripts/bench.sh sets it up; the
environment's DATABASE_URL and REDIS_URL are passed to gunicorn):

    DJANGO_SETTINGS_MODULE=valuing_send.settings .venv/bin/python -m bench.http

Starts ``gunicorn bench.bare_site:application`` (the app's settings, middleware and URLs, plus
the pre-rendered floor of ``bench/prerendered.py``) on a free loopback port with 2 **sync**
workers (one request at a time per worker, a new connection per request), and signs in once
as a caseworker through the real sign-in forms. Then ``ROUNDS`` rounds, each sending
``REQUESTS`` requests from ``CLIENTS`` concurrent clients (Python threads, ``http.client``) to
the page (``/children/``) and the same number from the same clients to its **floor**: the
page's own bytes, fetched once and served through the same middleware, session and
``@requires("child.view")`` (the order alternates from round to round). Throughput is the
median of the rounds' rates; latencies are p50 and p95 over every request. Target: the page
at 0.3× its floor's throughput or better.

Memory: the peak RSS (``VmHWM``) of the gunicorn workers, once they have served only the floor
(the cost of a signed-in Django worker) and again at the end (serving the children list).
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
from bench._report import Metric, Timings, children_of, peak_rss_mb, rate_metric, write_report

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
WORKER_CLASS = "sync"
CLIENTS = 4
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_HTTP_REQUESTS", "100"))
WARM_UP = 40
APP_PATH = "/children/"
FLOOR_NAME = "children"
FLOOR_LABEL = "the same HTML pre-rendered, same gunicorn workers, session and @requires"
TARGET_RATIO = 0.3


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

    def __init__(self, module: str, settings_module: str, probe: str, env: dict | None = None):
        self.module = module
        self.probe = probe
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        self.env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": settings_module,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            }
            | (env or {})
        )
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

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid) if self.process is not None else []

    def workers_peak_rss_mb(self) -> float:
        return max((peak_rss_mb(pid) or 0.0 for pid in self.worker_pids()), default=0.0)

    def _log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]


def _cookies(message) -> dict[str, str]:
    jar = SimpleCookie()
    for header in message.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the real forms (password, then the authenticator's code); returns the
    Cookie header of the signed-in session."""
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
        raise SystemExit(f"The password step answered {status} without a session")
    from valuing_send.authorities.models import User

    code = _dataset.bench_code(User.objects.get(email__iexact=email))
    status, message, _ = request(
        port,
        "POST",
        "/sign-in/code/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        },
        body=urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "code": code}),
    )
    cookies |= _cookies(message)
    if status != 302:
        raise SystemExit(f"The security code step answered {status}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def drive(port: int, path: str, cookie: str, *, count: int) -> dict:
    """``CLIENTS`` threads sending ``count`` requests for ``path`` between them."""
    headers = {"Cookie": cookie, "Accept": "text/html"}
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[int] = []
    issued = [0]
    started = time.perf_counter()

    def client():
        while True:
            with lock:
                if issued[0] >= count:
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
    return {
        "seconds": time.perf_counter() - started,
        "latencies": latencies,
        "failures": failures,
    }


def main() -> None:
    _dataset.django_setup()
    authority = _dataset.bench_authority()
    _dataset.bench_caseworker(authority)
    extra = _dataset.context(authority)
    from django.db import connections

    connections.close_all()
    folder = Path(tempfile.mkdtemp(prefix="bench-prerendered-"))
    env = {"BENCH_PRERENDERED_DIR": str(folder)}
    paths = {"page": APP_PATH, "floor": f"/bench/prerendered/{FLOOR_NAME}/"}
    rounds = {"page": [], "floor": []}
    latencies = {"page": [], "floor": []}
    failures = {"page": [], "floor": []}
    try:
        with Gunicorn("bench.bare_site", "bench.bare_site", "/sign-in/", env) as server:
            cookie = sign_in(server.port, _dataset.CASEWORKER_EMAIL, _dataset.CASEWORKER_PASSWORD)
            status, _, body = request(server.port, "GET", APP_PATH, {"Cookie": cookie})
            if status != 200:
                raise SystemExit(f"{APP_PATH} answered {status} when signed in")
            (folder / f"{FLOOR_NAME}.html").write_bytes(body)
            (folder / f"{FLOOR_NAME}.action").write_text("child.view", encoding="utf-8")
            drive(server.port, paths["floor"], cookie, count=WARM_UP)
            floor_only_rss = server.workers_peak_rss_mb()
            drive(server.port, paths["page"], cookie, count=WARM_UP)
            for number in range(ROUNDS):
                for name in ("page", "floor") if number % 2 == 0 else ("floor", "page"):
                    result = drive(server.port, paths[name], cookie, count=REQUESTS)
                    rounds[name].append(result["seconds"] * 1000)
                    latencies[name] += result["latencies"]
                    failures[name] += result["failures"]
            worker_rss = server.workers_peak_rss_mb()
    finally:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()

    page_rounds, floor_rounds = Timings(rounds["page"]), Timings(rounds["floor"])
    page_latency, floor_latency = Timings(latencies["page"]), Timings(latencies["floor"])
    metrics = [
        rate_metric(
            "children list throughput",
            REQUESTS,
            page_rounds,
            floor_rounds,
            FLOOR_LABEL,
            unit="requests/s",
            min_ratio=TARGET_RATIO,
        ),
        Metric(
            "children list latency",
            page_latency.p50,
            "ms",
            floor_latency.p50,
            FLOOR_LABEL,
            higher_is_better=False,
            p95=page_latency.p95,
            floor_p95=floor_latency.p95,
            rounds=ROUNDS,
        ),
        Metric(
            "web worker peak RSS",
            worker_rss,
            "MiB",
            floor_only_rss,
            "the same worker after serving only the pre-rendered floor",
            higher_is_better=False,
        ),
    ]
    extra |= {
        "server": f"gunicorn bench.bare_site:application --workers {WORKERS} --worker-class "
        f"{WORKER_CLASS} on 127.0.0.1 (the app's settings and URLs plus the floor; DEBUG off)",
        "clients": f"{CLIENTS} Python threads with http.client, a new connection per request; "
        f"{WARM_UP} warm-up requests each, then {ROUNDS} rounds of {REQUESTS} requests to the "
        "page and to its floor, alternating which goes first",
        "html_bytes": len(body),
        "page": {"path": paths["page"], "round_ms": rounds["page"], "failures": failures["page"]},
        "floor": {
            "path": paths["floor"],
            "round_ms": rounds["floor"],
            "failures": failures["floor"],
        },
        "worker_peak_rss_mb": round(worker_rss, 1),
        "worker_peak_rss_mb_floor_only": round(floor_only_rss, 1),
    }
    write_report("http", metrics, extra)
    for name in ("page", "floor"):
        if failures[name]:
            print(f"  WARNING: {name}: {len(failures[name])} failed requests {set(failures[name])}")


if __name__ == "__main__":
    main()
