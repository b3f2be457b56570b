"""Generated rows, one builder per table, laid out by the model's own ``_meta``.

``Table("assessments.Child", own_ids=True)`` takes its columns from the model's concrete fields,
in the model's order, and ``table.add(first_name=..., authority_id=..., ...)`` takes a row as
field values by attribute name (``authority_id`` for a foreign key). A field left out takes the
model's fixed default (``version=1``, ``is_active=True``, ``status="draft"``); a nullable field
without one is NULL, a blank text field without one is empty. Anything else must be given: a
new required column on the model is reported by name on the first row (a ``TypeError``:
``Table('assessments.Child').add() missing 1 required keyword-only argument: 'first_name'``),
never discovered in the middle of a COPY, and so is a field the model does not have.
Timestamps (``auto_now``, ``default=timezone.now``) are always given, so that the same seed
gives the same rows.

Values are what the writers send as they are (``writers``): ints, strings, booleans, None,
dates and times already in the database's text form (``2026-01-05``, ``2026-01-05 10:00:00``,
naive UTC), JSON as text.

The rows are tuples in the column order, so a table of a million ratings stays compact and the
COPY writer formats them without looking anything up again. ``add`` is a function written for
the table when it is made, with one keyword-only parameter per field (the way ``dataclasses``
writes ``__init__``): Python's own argument binding fills the defaults and reports what is
missing or unknown, three times faster than merging dictionaries, which counts at a million
rows an authority.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

_REQUIRED = object()


def _fixed_default(model_field: models.Field):
    """The value a row takes when the generator does not give one, or ``_REQUIRED``."""
    if model_field.has_default():
        default = model_field.default
        if isinstance(model_field, models.JSONField) and callable(default):
            return json.dumps(default())
        if callable(default):  # timezone.now and the like: never, the seed decides every time
            return _REQUIRED
        return default.value if isinstance(default, enum.Enum) else default
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return _REQUIRED
    db_default = model_field.db_default
    if db_default is not models.NOT_PROVIDED:  # a constant in the database, or an expression
        if isinstance(db_default, models.Value):
            return db_default.value
        return _REQUIRED if hasattr(db_default, "resolve_expression") else db_default
    if model_field.null:
        return None
    if model_field.blank and model_field.empty_strings_allowed:
        return ""
    return _REQUIRED


class Table:
    """The rows of one model's table. ``own_ids``: the generator numbers the rows itself (the
    ``id`` column is written, so other rows can point at them before anything is written);
    otherwise the database gives the ids."""

    def __init__(self, label: str, *, own_ids: bool = False):
        self.model = label
        fields = [
            f for f in apps.get_model(label)._meta.concrete_fields if own_ids or not f.primary_key
        ]
        self.columns: tuple[str, ...] = tuple(f.column for f in fields)
        self.names: tuple[str, ...] = tuple(f.attname for f in fields)
        self.defaults = {
            f.attname: value for f in fields if (value := _fixed_default(f)) is not _REQUIRED
        }
        self.rows: list[tuple] = []
        self.add = self._row_function(label)

    def _row_function(self, label: str):
        """``add(*, id, authority_id, ..., version=1)``: appends one row tuple."""
        parameters = ", ".join(
            f"{name}=_defaults[{name!r}]" if name in self.defaults else name for name in self.names
        )
        source = f"def add(*, {parameters}):\n    _append(({', '.join(self.names)},))\n"
        namespace = {"_defaults": self.defaults, "_append": self.rows.append}
        exec(source, namespace)
        add = namespace["add"]
        add.__qualname__ = f"Table({label!r}).add"
        return add

    def records(self) -> Iterator[dict]:
        """The rows as dictionaries keyed by column (for tests and checks)."""
        return (dict(zip(self.columns, row, strict=True)) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Dataset:
    """Every table generated for an authority, in the order they are written (a table after
    the tables its rows point to)."""

    tables: dict[str, Table] = field(default_factory=dict)

    def table(self, key: str, label: str, *, own_ids: bool = False) -> Table:
        if key in self.tables:
            raise ValueError(f"there is already a table {key!r}")
        self.tables[key] = Table(label, own_ids=own_ids)
        return self.tables[key]

    def digest(self) -> str:
        """A stable fingerprint of every generated row (compare two runs)."""
        hasher = hashlib.sha256()
        for key in sorted(self.tables):
            table = self.tables[key]
            hasher.update(f"{key}:{','.join(table.columns)}\n".encode())
            for row in table.rows:
                hasher.update(repr(row).encode())
                hasher.update(b"\n")
        return hasher.hexdigest()

    def counts(self) -> dict[str, int]:
        return {key: len(table.rows) for key, table in self.tables.items()}
