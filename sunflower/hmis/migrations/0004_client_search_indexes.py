"""Indexes for client search (sunflower/hmis/search.py, docs/client-search.md), PostgreSQL only.

* the pg_trgm and fuzzystrmatch extensions;
* GIN trigram indexes on lower(first_name) and lower(last_name) (the `%` operator);
* btree indexes on soundex(first_name) and soundex(last_name) (sound-alike);
* a btree index on right(ssn, 4) (last four of the SSN).

On other databases (SQLite) this migration does nothing: it must never alter the hmis tables
there, because a table rebuild on SQLite drops the exit-date triggers of migration 0003. The
indexes are not model Meta indexes (they are expressions on extension functions), so
makemigrations does not see them.

The extensions are left in place on reverse (other objects may use them).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    "CREATE INDEX IF NOT EXISTS hmis_client_first_trgm_idx ON hmis_client "
    "USING gin (lower(first_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS hmis_client_last_trgm_idx ON hmis_client "
    "USING gin (lower(last_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS hmis_client_first_soundex_idx ON hmis_client (soundex(first_name))",
    "CREATE INDEX IF NOT EXISTS hmis_client_last_soundex_idx ON hmis_client (soundex(last_name))",
    "CREATE INDEX IF NOT EXISTS hmis_client_ssn_last4_idx ON hmis_client (right(ssn, 4))",
]

BACKWARD = [
    "DROP INDEX IF EXISTS hmis_client_first_trgm_idx",
    "DROP INDEX IF EXISTS hmis_client_last_trgm_idx",
    "DROP INDEX IF EXISTS hmis_client_first_soundex_idx",
    "DROP INDEX IF EXISTS hmis_client_last_soundex_idx",
    "DROP INDEX IF EXISTS hmis_client_ssn_last4_idx",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("hmis", "0003_exit_date_triggers")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
