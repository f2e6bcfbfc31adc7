"""The shipped rule for the two CoCs this HMIS Lead serves: nothing is shared between agencies
without the client's release (fail closed) until the CoC board decides otherwise; HMIS
administrators then set "profile" or "profile and history" in the admin (docs/consent.md)."""

from django.db import migrations

DEFAULTS = {
    "KS-507": "none",
    "KS-505": "none",
}
NOTE = "Shipped default: share nothing without a release until the CoC board decides (docs/consent.md)."


def seed(apps, schema_editor):
    SharingRule = apps.get_model("consent", "SharingRule")
    for coc_code, level in DEFAULTS.items():
        SharingRule.objects.using(schema_editor.connection.alias).get_or_create(
            coc_code=coc_code, defaults={"level": level, "note": NOTE}
        )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
