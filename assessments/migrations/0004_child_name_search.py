"""Prefix name search (`UPPER(last_name) LIKE 'PAT%'`) can only use a b-tree index under the C
collation, unless the index uses the pattern operator class. PostgreSQL-only: SQLite (the
embedded mode) has no operator classes and small caseloads."""

from django.db import migrations

INDEXES = {
    "child_last_name_prefix": "last_name",
    "child_first_name_prefix": "first_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("assessments", "Child")._meta.db_table
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("authority_id", UPPER("{column}") text_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_recommendation_detail_later")]
    operations = [migrations.RunPython(create, drop)]
