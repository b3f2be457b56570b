"""The two runtime modes, exercised for real in subprocesses: the embedded default that
``make run`` uses (SQLite, in-process tasks) and the production profile (``check --deploy``)."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_TO_DROP = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_PRODUCTION",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests only
    "EMAIL_BACKEND",
}


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ENV_TO_DROP}
    env["DJANGO_SETTINGS_MODULE"] = "valuing_send.settings"
    env.update(extra)
    return env


def manage(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_production_profile_passes_deploy_checks():
    env = clean_env(
        DJANGO_PRODUCTION="1",
        DJANGO_SECRET_KEY="p" * 20 + "-production-secret-for-the-check-only-" + "q" * 20,
        DJANGO_ALLOWED_HOSTS="valuing-send.example.gov.uk",
        DATABASE_URL="postgres://app@db.internal:5432/valuing_send",
        REDIS_URL="redis://cache.internal:6379/0",
        EMAIL_HOST="smtp.internal",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=clean_env(DJANGO_PRODUCTION="1", DJANGO_ALLOWED_HOSTS="x.example"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_embedded_default_serves_the_demo_on_sqlite_with_in_process_tasks(tmp_path):
    env = clean_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    for command in (["migrate", "--noinput"], ["setup_demo"]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    assert "admin@demo.valuing-send.test" in result.stdout and "demo-password-2026" in result.stdout
    assert "VALU INGS ENDD EMOK EYNO TFOR REAL USEX" in result.stdout
    # The audit log is append-only on SQLite too (a trigger, like PostgreSQL's).
    refused = manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "from valuing_send.audit import record\n"
        "record('read', object_type='x', object_id=1)\n"
        "for sql in ('UPDATE audit_auditevent SET actor = 1', 'DELETE FROM audit_auditevent'):\n"
        "    try:\n"
        "        connection.cursor().execute(sql)\n"
        "    except Exception as error:\n"
        "        print('refused:', error)\n",
        env=env,
    )
    assert refused.stdout.count("refused: The audit log is append-only") == 2, refused.stderr

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        deadline = time.monotonic() + 30
        while True:
            try:
                sign_in_page = opener.open(f"{base}/sign-in/").read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert 'href="/static/vendor/govuk/govuk-frontend.min.css"' in sign_in_page
        assert opener.open(f"{base}/static/vendor/govuk/govuk-frontend.min.css").status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in_page).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "admin@demo.valuing-send.test",
                "password": "demo-password-2026",
            }
        ).encode()
        code_page = (
            opener.open(
                urllib.request.Request(f"{base}/sign-in/", data=data, headers={"Referer": base})
            )
            .read()
            .decode()
        )
        assert "Enter your security code" in code_page
        # What an authenticator app set up with the published demo key shows now.
        from django_otp.oath import totp

        from valuing_send.authorities.two_factor import DEMO_TOTP_KEY_HEX

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', code_page).group(1)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "code": f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}",
            }
        ).encode()
        home = (
            opener.open(
                urllib.request.Request(
                    f"{base}/sign-in/code/", data=data, headers={"Referer": base}
                )
            )
            .read()
            .decode()
        )
        assert "Hello, Alex" in home and "Demoshire County Council" in home
        status = opener.open(f"{base}/system-status/").read().decode()
        assert "SQLite answered" in status
        assert "tasks run in the web process" in status
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_this_suite_runs_on_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql", (
        "make test must run the suite on the PostgreSQL it starts"
    )
