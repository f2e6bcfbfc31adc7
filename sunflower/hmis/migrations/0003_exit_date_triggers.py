"""Exit.ExitDate is never before the Enrollment's EntryDate: a rule across two tables, so a
trigger (a CHECK constraint cannot see another table).

The triggers refuse, for a non-deleted exit (date_deleted IS NULL):
  * inserting or updating an exit whose exit_date is before its enrollment's entry_date;
  * updating an enrollment's entry_date to after the exit_date of one of its exits.
Both raise an integrity error (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE 23514
check_violation), which Django turns into django.db.IntegrityError.

SQLite drops a table's triggers when Django rebuilds the table (many ALTERs on SQLite do). A later
migration that alters hmis_exit or hmis_enrollment must therefore run ``install`` again on
SQLite, e.g. ``RunPython(install_exit_date_triggers, ...)`` imported from this module via
importlib; tests/hmis/test_hud_integrity.py fails if the triggers are gone.
"""

from django.db import migrations

ERROR = "Exit date before the entry date of the enrollment"  # no quotes: inlined in SQL

SQL = {
    "sqlite": {
        "install": [
            f"""
            CREATE TRIGGER hmis_exit_date_insert
            BEFORE INSERT ON hmis_exit
            FOR EACH ROW
            WHEN NEW.date_deleted IS NULL
              AND NEW.exit_date < (SELECT entry_date FROM hmis_enrollment WHERE id = NEW.enrollment_id)
            BEGIN
              SELECT RAISE(ABORT, '{ERROR} (hmis_exit_date_insert)');
            END
            """,
            f"""
            CREATE TRIGGER hmis_exit_date_update
            BEFORE UPDATE OF exit_date, enrollment_id, date_deleted ON hmis_exit
            FOR EACH ROW
            WHEN NEW.date_deleted IS NULL
              AND NEW.exit_date < (SELECT entry_date FROM hmis_enrollment WHERE id = NEW.enrollment_id)
            BEGIN
              SELECT RAISE(ABORT, '{ERROR} (hmis_exit_date_update)');
            END
            """,
            f"""
            CREATE TRIGGER hmis_enrollment_entry_date_update
            BEFORE UPDATE OF entry_date ON hmis_enrollment
            FOR EACH ROW
            WHEN EXISTS (
              SELECT 1 FROM hmis_exit
              WHERE enrollment_id = NEW.id AND date_deleted IS NULL AND exit_date < NEW.entry_date
            )
            BEGIN
              SELECT RAISE(ABORT, '{ERROR} (hmis_enrollment_entry_date_update)');
            END
            """,
        ],
        "uninstall": [
            "DROP TRIGGER IF EXISTS hmis_exit_date_insert",
            "DROP TRIGGER IF EXISTS hmis_exit_date_update",
            "DROP TRIGGER IF EXISTS hmis_enrollment_entry_date_update",
        ],
    },
    "postgresql": {
        "install": [
            f"""
            CREATE OR REPLACE FUNCTION hmis_exit_date_check() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
              entry date;
            BEGIN
              IF NEW.date_deleted IS NULL THEN
                SELECT entry_date INTO entry FROM hmis_enrollment WHERE id = NEW.enrollment_id;
                IF NEW.exit_date < entry THEN
                  RAISE EXCEPTION '{ERROR}: exit % on %, entry on %',
                    NEW.exit_id, NEW.exit_date, entry
                    USING ERRCODE = 'check_violation';
                END IF;
              END IF;
              RETURN NEW;
            END;
            $$
            """,
            """
            CREATE TRIGGER hmis_exit_date_check
            BEFORE INSERT OR UPDATE OF exit_date, enrollment_id, date_deleted ON hmis_exit
            FOR EACH ROW EXECUTE FUNCTION hmis_exit_date_check()
            """,
            f"""
            CREATE OR REPLACE FUNCTION hmis_enrollment_entry_date_check() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF EXISTS (
                SELECT 1 FROM hmis_exit
                WHERE enrollment_id = NEW.id AND date_deleted IS NULL
                  AND exit_date < NEW.entry_date
              ) THEN
                RAISE EXCEPTION '{ERROR}: enrollment % entry moved to %',
                  NEW.enrollment_id, NEW.entry_date
                  USING ERRCODE = 'check_violation';
              END IF;
              RETURN NEW;
            END;
            $$
            """,
            """
            CREATE TRIGGER hmis_enrollment_entry_date_check
            BEFORE UPDATE OF entry_date ON hmis_enrollment
            FOR EACH ROW EXECUTE FUNCTION hmis_enrollment_entry_date_check()
            """,
        ],
        "uninstall": [
            "DROP TRIGGER IF EXISTS hmis_enrollment_entry_date_check ON hmis_enrollment",
            "DROP FUNCTION IF EXISTS hmis_enrollment_entry_date_check()",
            "DROP TRIGGER IF EXISTS hmis_exit_date_check ON hmis_exit",
            "DROP FUNCTION IF EXISTS hmis_exit_date_check()",
        ],
    },
}


def _run(schema_editor, step):
    vendor = schema_editor.connection.vendor
    if vendor not in SQL:
        raise NotImplementedError(f"hmis exit-date triggers: no SQL for database {vendor!r}")
    for statement in SQL[vendor][step]:
        # params=None: the PL/pgSQL bodies contain % placeholders of their own.
        schema_editor.execute(statement, params=None)


def install_exit_date_triggers(apps, schema_editor):
    _run(schema_editor, "uninstall")  # idempotent: safe to re-run after a table rebuild
    _run(schema_editor, "install")


def uninstall_exit_date_triggers(apps, schema_editor):
    _run(schema_editor, "uninstall")


class Migration(migrations.Migration):
    dependencies = [
        ("hmis", "0002_native_data_source"),
    ]

    operations = [
        migrations.RunPython(install_exit_date_triggers, uninstall_exit_date_triggers),
    ]
