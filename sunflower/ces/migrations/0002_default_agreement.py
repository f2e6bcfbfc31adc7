"""The default CE Participation Agreement, version 2026.1 (a CoC edits it in the admin)."""

import datetime

from django.db import migrations

VERSION = "2026.1"
TEXT = """\
Coordinated Entry Participation Agreement

By signing, I (or the agency I sign for) agree to take part in the Continuum of Care's Coordinated Entry System (CES) on these terms.

1. Participation. I will use the CES as the CoC's written standards describe: assess households with the CoC's approved tools at a designated access point, keep the prioritization list current, fill openings in CoC- and ESG-funded housing only through CES referrals, and accept or decline each referral, with a reason, by its deadline.

2. Confidentiality. Information about people seeking help is confidential. I will look at, enter and share it only as my role requires, only with the client's consent where consent is required, and never outside the system, by e-mail or on paper left unattended. I will keep my password to myself and report any suspected breach to the HMIS Lead at once.

3. Use of data only for Coordinated Entry. I will use CES information only to assess, prioritize, refer and house households, and to run the CES; never for any other purpose, including marketing, research not approved by the CoC, or law enforcement.

4. Survivors of domestic violence. I will follow the protections of the Violence Against Women Act and the CoC's policies for victim service providers: a survivor served by a victim service provider is known to CES only by an alias and the provider's own reference; I will never try to identify, locate or contact such a household except through its provider, and I will offer every household a safe way to be assessed.

5. Fair treatment. I will follow the CoC's written standards, its prioritization rules and fair housing law, and will not screen households out for reasons the standards do not allow.

6. Consequences. A breach of this agreement may lead to the suspension of my access (or my agency's) to the CES and the HMIS.
"""


def create(apps, schema_editor):
    agreement = apps.get_model("ces", "ParticipationAgreement")
    # Into the database being migrated (the live one or the training environment's).
    agreement.objects.using(schema_editor.connection.alias).get_or_create(
        version=VERSION, defaults={"text": TEXT, "effective_on": datetime.date(2026, 1, 1)}
    )


def remove(apps, schema_editor):
    agreement = apps.get_model("ces", "ParticipationAgreement")
    rows = agreement.objects.using(schema_editor.connection.alias)
    rows.filter(version=VERSION, signatures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ces", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
