"""The street outreach demo data: recorded through the actions, so on the map in real
counties, once only."""

from __future__ import annotations

import pytest

from sunflower.outreach import demo
from sunflower.outreach.models import Encampment, EncampmentVisit, OutreachContact

pytestmark = [pytest.mark.outreach]


def test_demo_contacts_and_encampments_land_once(outreach):
    loaded = demo.load(outreach.worker, contacts=25)

    assert loaded.contacts == OutreachContact.objects.count() > 20
    assert OutreachContact.objects.filter(county__isnull=True).count() == 0
    assert OutreachContact.objects.values("county").distinct().count() > 3
    # Some are the agency's known client, written as HUD 4.12 records of the enrollment.
    linked = OutreachContact.objects.filter(enrollment=outreach.enrollment)
    assert linked.exists()
    assert all(contact.living_record_id for contact in linked)
    assert loaded.encampments == Encampment.objects.count() == 3
    assert EncampmentVisit.objects.count() == 3
    assert set(Encampment.objects.values_list("status", flat=True)) == {"active", "inactive"}

    assert demo.load(outreach.worker).contacts == 0
    assert OutreachContact.objects.count() == loaded.contacts


def test_no_demo_without_an_outreach_worker(outreach):
    assert demo.load(None).contacts == 0
    assert OutreachContact.objects.count() == 0
