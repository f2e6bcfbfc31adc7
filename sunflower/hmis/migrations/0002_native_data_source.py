"""The native data source, "Sunflower": the system of every record entered in Sunflower.

It must have primary key 1 (models.NATIVE_DATA_SOURCE_ID): the head-of-household constraint on
Enrollment names it. The row is inserted with that id explicitly; on PostgreSQL the id sequence
is then moved past it so that the next data source gets 2.
"""

from django.core.management.color import no_style
from django.db import migrations

NATIVE_DATA_SOURCE_ID = 1  # frozen copy of sunflower.hmis.models.NATIVE_DATA_SOURCE_ID


def create_native(apps, schema_editor):
    DataSource = apps.get_model("hmis", "DataSource")
    db = schema_editor.connection.alias
    DataSource.objects.using(db).create(
        id=NATIVE_DATA_SOURCE_ID,
        name="Sunflower",
        description="Records entered in Sunflower itself.",
        is_native=True,
    )
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [DataSource]):
        schema_editor.execute(sql, params=None)


def delete_native(apps, schema_editor):
    DataSource = apps.get_model("hmis", "DataSource")
    db = schema_editor.connection.alias
    DataSource.objects.using(db).filter(id=NATIVE_DATA_SOURCE_ID, is_native=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hmis", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_native, delete_native),
    ]
