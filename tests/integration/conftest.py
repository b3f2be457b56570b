"""Real servers for the integration tests: the Celery worker fixtures (tests/integration/worker.py,
which other folders import too) and helpers to stop and start the Redis and PostgreSQL that
scripts/test.sh started (the fault tests)."""

import os
import signal
import subprocess
from pathlib import Path

import pytest
import redis

from tests.integration.worker import celery_worker, start_worker, wait_for  # noqa: F401 - fixtures


class Servers:
    """The throwaway PostgreSQL and Redis that scripts/services.sh started, to stop and start
    again (same ports, same options)."""

    def __init__(self):
        missing = [
            name
            for name in (
                "SERVICES_DIR",
                "SERVICES_PG_BIN",
                "SERVICES_PG_OPTS",
                "SERVICES_REDIS_PORT",
            )
            if not os.environ.get(name)
        ]
        if missing:
            pytest.fail(f"{missing} not set: run the suite with scripts/test.sh (services.sh)")
        self.dir = Path(os.environ["SERVICES_DIR"])
        self.pg_bin = Path(os.environ["SERVICES_PG_BIN"])
        self.pg_opts = os.environ["SERVICES_PG_OPTS"]
        self.redis_port = os.environ["SERVICES_REDIS_PORT"]

    def _as_postgres(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True)

    def redis_stop(self):
        pid = int((self.dir / "redis.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not Path(f"/proc/{pid}").exists(), 10, message="Redis to stop")

    def redis_start(self):
        subprocess.run(
            [
                "redis-server",
                "--port",
                self.redis_port,
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
                "--pidfile",
                str(self.dir / "redis.pid"),
                "--logfile",
                str(self.dir / "redis.log"),
            ],
            check=True,
        )
        client = redis.Redis(host="127.0.0.1", port=int(self.redis_port))
        wait_for(lambda: _pings(client), 10, message="Redis to start")

    def postgres_stop(self):
        self._as_postgres(
            self.pg_bin / "pg_ctl", "-D", self.dir / "pgdata", "-m", "fast", "-w", "stop"
        )

    def postgres_start(self):
        self._as_postgres(
            self.pg_bin / "pg_ctl",
            "-D",
            self.dir / "pgdata",
            "-l",
            self.dir / "pgsock" / "postgres.log",
            "-w",
            "-o",
            self.pg_opts,
            "start",
        )


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def servers():
    return Servers()
