"""Faster client search at statewide size (sunflower/hmis/search.py, docs/client-search.md),
PostgreSQL only.

* ``hmis_client_search_name``: every distinct lower-cased first and last name of hmis_client (a
  few thousand to a few hundred thousand words, however many clients there are), with a GIN
  trigram index and a Soundex index. The search finds the names similar to a typed word here,
  in a small table, instead of in a GIN index over every client row. Two statement-level
  triggers (one per event: transition tables allow only one) add the names of inserted and
  updated clients, so it is never stale for a new name. Names no client has any more stay: they
  only cost an index probe that finds nothing.
* two btree indexes on (lower(last_name), lower(first_name), id) and (lower(first_name),
  lower(last_name), id), of the clients not deleted, including both name columns: the search
  reads the first 25 clients of each matching name (or pair of names) in result order, without
  visiting the table (index-only scans).

On other databases (SQLite) this migration does nothing, like hmis.0004: it must never alter
the hmis tables there (a table rebuild on SQLite drops the exit-date triggers of hmis.0003).
None of this is a model, so makemigrations does not see it.
"""

from django.db import migrations

FORWARD = [
    "CREATE TABLE IF NOT EXISTS hmis_client_search_name (name text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS hmis_client_search_name_trgm_idx ON hmis_client_search_name "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS hmis_client_search_name_soundex_idx ON hmis_client_search_name "
    "(soundex(name))",
    """
    CREATE OR REPLACE FUNCTION hmis_client_search_name_add() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO hmis_client_search_name (name)
        SELECT lower(first_name) FROM new_clients WHERE first_name <> ''
        UNION
        SELECT lower(last_name) FROM new_clients WHERE last_name <> ''
        ON CONFLICT (name) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS hmis_client_search_name_insert ON hmis_client",
    "CREATE TRIGGER hmis_client_search_name_insert AFTER INSERT ON hmis_client "
    "REFERENCING NEW TABLE AS new_clients FOR EACH STATEMENT "
    "EXECUTE FUNCTION hmis_client_search_name_add()",
    "DROP TRIGGER IF EXISTS hmis_client_search_name_update ON hmis_client",
    "CREATE TRIGGER hmis_client_search_name_update AFTER UPDATE ON hmis_client "
    "REFERENCING NEW TABLE AS new_clients FOR EACH STATEMENT "
    "EXECUTE FUNCTION hmis_client_search_name_add()",
    # The clients already there (after the triggers, so that none is missed).
    "INSERT INTO hmis_client_search_name (name) "
    "SELECT lower(first_name) FROM hmis_client WHERE first_name <> '' "
    "UNION SELECT lower(last_name) FROM hmis_client WHERE last_name <> '' "
    "ON CONFLICT (name) DO NOTHING",
    "CREATE INDEX IF NOT EXISTS hmis_client_search_last_first_idx ON hmis_client "
    "(lower(last_name), lower(first_name), id) INCLUDE (last_name, first_name) "
    "WHERE date_deleted IS NULL",
    "CREATE INDEX IF NOT EXISTS hmis_client_search_first_last_idx ON hmis_client "
    "(lower(first_name), lower(last_name), id) INCLUDE (last_name, first_name) "
    "WHERE date_deleted IS NULL",
]

BACKWARD = [
    "DROP INDEX IF EXISTS hmis_client_search_last_first_idx",
    "DROP INDEX IF EXISTS hmis_client_search_first_last_idx",
    "DROP TRIGGER IF EXISTS hmis_client_search_name_insert ON hmis_client",
    "DROP TRIGGER IF EXISTS hmis_client_search_name_update ON hmis_client",
    "DROP FUNCTION IF EXISTS hmis_client_search_name_add()",
    "DROP TABLE IF EXISTS hmis_client_search_name",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("hmis", "0005_retired_funder_codes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
