"""Backup and restore as docs/deployment.md describes them: pg_dump of the throwaway PostgreSQL's
test database, pg_restore into a new database, and every table compared row for row (including
the audit log's append-only trigger, which must come back with it)."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import complete_assessment

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _bin(name) -> str:
    folder = os.environ.get("SERVICES_PG_BIN")
    if not folder:
        pytest.fail("SERVICES_PG_BIN is not set: run the suite with scripts/test.sh")
    return str(Path(folder) / name)


def _tables(conn) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]


def _contents(conn, table) -> list[tuple]:
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()


def test_a_dump_restores_into_a_new_database_with_everything_in_it(
    client_as, caseworker, child, framework, tmp_path
):
    complete_assessment(child, caseworker, {"hearing": 3})
    client_as(caseworker).get(f"/children/{child.pk}/")  # an audit event too
    db = connection.settings_dict
    common = ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    dump = tmp_path / "valuing_send.dump"
    subprocess.run(
        [_bin("pg_dump"), *common, "--format=custom", "--no-owner", f"--file={dump}", db["NAME"]],
        check=True,
    )
    restored = f"{db['NAME']}_restored"
    subprocess.run([_bin("dropdb"), *common, "--if-exists", restored], check=True)
    subprocess.run([_bin("createdb"), *common, restored], check=True)
    try:
        subprocess.run(
            [
                _bin("pg_restore"),
                *common,
                "--no-owner",
                "--exit-on-error",
                f"--dbname={restored}",
                str(dump),
            ],
            check=True,
        )
        params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
        with (
            psycopg.connect(dbname=db["NAME"], **params) as original,
            psycopg.connect(dbname=restored, **params) as copy,
        ):
            tables = _tables(original)
            assert _tables(copy) == tables
            assert {"assessments_child", "audit_auditevent", "core_outboxmessage"} <= set(tables)
            for table in tables:
                assert _contents(copy, table) == _contents(original, table), table
            assert copy.execute("SELECT count(*) FROM assessments_child").fetchone()[0] >= 1
            assert copy.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
            with pytest.raises(psycopg.Error, match="append-only"):
                copy.execute("DELETE FROM audit_auditevent")
    finally:
        connection.close()
        subprocess.run([_bin("dropdb"), *common, "--if-exists", restored], check=True)
