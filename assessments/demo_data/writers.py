"""Bulk writers: PostgreSQL ``COPY`` through psycopg 3, and ``executemany`` elsewhere (SQLite).

Both take the generator's rows as they are (ints, strings, booleans, None; dates and times
already in the database's text form) and write the columns named, so every timestamp is the
one the generator chose (``bulk_create`` would overwrite ``auto_now`` fields with the time of
the run, and the same seed must give the same data).

Ids: the generator numbers settings, users, children and assessments itself, so that rows can
refer to each other before anything is written. ``reserve_ids`` takes a block of ids from the
table's sequence (PostgreSQL, under a lock that blocks other writers until commit) or above the
highest id (SQLite); other tables get ids from the database.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.db import IntegrityError
from django.db import connection as default_connection


class Writer:
    def __init__(self, connection=None):
        self.connection = connection or default_connection
        self.timings: dict[str, float] = {}
        self.trusted = False

    def trust_references(self) -> bool:
        """Check foreign keys once per table after writing instead of once per row, where
        the database allows it. Returns whether it does."""
        return False

    def verify_references(self) -> None:
        """After ``trust_references``: every new row's references exist, or IntegrityError."""

    def table_name(self, label: str) -> tuple[object, str]:
        model = apps.get_model(label)
        return model, model._meta.db_table

    def write(self, key: str, table) -> None:
        model, name = self.table_name(table.model)
        if self.trusted:
            self._remember_high_water(model, name)
        started = time.perf_counter()
        if table.rows:
            self._write(name, table.columns, table.rows)
        self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - started

    def reserve_ids(self, label: str, count: int) -> int:
        raise NotImplementedError

    def _remember_high_water(self, model, name) -> None:
        pass

    def _write(self, name, columns, rows) -> None:
        raise NotImplementedError


class PostgresCopyWriter(Writer):
    def trust_references(self) -> bool:
        # PostgreSQL checks each foreign key with a trigger per inserted row, at commit: most
        # of the time of a large load. session_replication_role = replica skips those
        # triggers for this transaction only (superusers only); verify_references then checks
        # the same references with one anti-join per foreign key, before the commit.
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser')")
            if cursor.fetchone()[0] != "on":
                return False
            cursor.execute("SET LOCAL session_replication_role = replica")
        self.trusted = True
        self.high_water: dict[str, tuple[object, int]] = {}
        return True

    def _remember_high_water(self, model, name) -> None:
        if name not in self.high_water:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COALESCE(MAX(id), 0) FROM {self.connection.ops.quote_name(name)}"
                )
                self.high_water[name] = (model, cursor.fetchone()[0])

    def verify_references(self) -> None:
        if not self.trusted:
            return
        quote = self.connection.ops.quote_name
        broken = []
        with self.connection.cursor() as cursor:
            # The new rows are few next to the tables they sit in and point into (a whole
            # country's profiles, in a national run), and the planner's statistics do not
            # know them yet: read them by primary key range, and look each distinct value up
            # in the target's primary key index, rather than scanning or hashing whole tables.
            planner = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin", "jit")
            for setting in planner:
                cursor.execute(f"SET LOCAL {setting} = off")
            for name, (model, high_water) in self.high_water.items():
                for field in model._meta.concrete_fields:
                    if not field.is_relation or not field.db_constraint:
                        continue
                    target = field.target_field
                    column = quote(field.column)
                    cursor.execute(
                        f"SELECT COUNT(*) FROM (SELECT DISTINCT {column} AS value "
                        f"FROM {quote(name)} WHERE id > %s AND {column} IS NOT NULL) AS used "
                        f"WHERE NOT EXISTS (SELECT 1 FROM {quote(target.model._meta.db_table)} AS p "
                        f"WHERE p.{quote(target.column)} = used.value)",
                        [high_water],
                    )
                    missing = cursor.fetchone()[0]
                    if missing:
                        broken.append(f"{name}.{field.column}: {missing:,} values")
            for setting in planner:
                cursor.execute(f"SET LOCAL {setting} TO DEFAULT")
            cursor.execute("SET LOCAL session_replication_role = origin")
        if broken:
            raise IntegrityError("generated rows refer to missing rows: " + "; ".join(broken))

    def reserve_ids(self, label: str, count: int) -> int:
        _, name = self.table_name(label)
        quoted = self.connection.ops.quote_name(name)
        with self.connection.cursor() as cursor:
            # Other inserts into the table wait until this transaction ends; reads go on.
            cursor.execute(f"LOCK TABLE {quoted} IN EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return first

    def _write(self, name, columns, rows) -> None:
        from psycopg.copy import QueuedLibpqWriter

        quote = self.connection.ops.quote_name
        statement = f"COPY {quote(name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with self.connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor, in Django's transaction
            # A writer thread sends while this one formats the next rows. psycopg formats and
            # escapes each value (tabs, newlines and backslashes in free text included), in C.
            with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)


class InsertWriter(Writer):
    """``executemany`` in batches: SQLite (the embedded default) and anything else."""

    BATCH = 5000

    def reserve_ids(self, label: str, count: int) -> int:
        _, name = self.table_name(label)
        quoted = self.connection.ops.quote_name(name)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")
            (highest,) = cursor.fetchone()
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
                found = cursor.fetchone()
                highest = max(highest, found[0] if found else 0)
        return highest + 1

    def _write(self, name, columns, rows) -> None:
        quote = self.connection.ops.quote_name
        statement = (
            f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), self.BATCH):
                cursor.executemany(statement, rows[start : start + self.BATCH])


def writer_for(connection=None) -> Writer:
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        return PostgresCopyWriter(connection)
    return InsertWriter(connection)
