"""Recording a contact: the county from the point, the HUD Current Living Situation and Date
of Engagement on a known client's enrollment, an unnamed person linked later, and the same
entry sent twice landing once."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sunflower.outreach import actions
from sunflower.outreach.models import Encampment, EncampmentVisit, OutreachContact

WICHITA = (37.6872, -97.3301)

pytestmark = pytest.mark.outreach


def test_an_unnamed_persons_contact_gets_its_county_and_no_hud_record(outreach):
    from sunflower.hmis.models import CurrentLivingSituation

    contact, created = actions.record_contact(outreach.worker, outreach.entry())
    assert created
    assert contact.county.name == "Shawnee"
    assert contact.county.coc.code == "KS-503"
    assert contact.organization == outreach.agency
    assert contact.client is None and contact.living_record is None
    assert not contact.dv_flag
    assert CurrentLivingSituation.objects.count() == 0


def test_a_known_clients_contact_writes_4_12_and_the_date_of_engagement(outreach):
    when = timezone.now() - dt.timedelta(hours=2)
    contact, _ = actions.record_contact(
        outreach.worker,
        outreach.entry(
            enrollment=outreach.enrollment,
            person_description="",
            engaged=True,
            contacted_at=when,
            location_details="Under the Kansas Ave bridge",
        ),
    )
    cls = contact.living_record
    assert cls.enrollment == outreach.enrollment and cls.client == outreach.client
    assert cls.current_living_situation == 116
    assert cls.information_date == timezone.localdate(when)
    assert cls.location_details == "Under the Kansas Ave bridge"
    assert cls.user is not None  # the HUD UserID of the worker
    outreach.enrollment.refresh_from_db()
    assert outreach.enrollment.date_of_engagement == timezone.localdate(when)
    # A later engagement does not move the first date of engagement.
    actions.record_contact(
        outreach.worker,
        outreach.entry(enrollment=outreach.enrollment, engaged=True, contacted_at=timezone.now()),
    )
    outreach.enrollment.refresh_from_db()
    assert outreach.enrollment.date_of_engagement == timezone.localdate(when)


def test_the_same_entry_sent_twice_lands_once(outreach):
    entry = outreach.entry()
    first, created = actions.record_contact(outreach.worker, entry)
    again, created_again = actions.record_contact(outreach.worker, dict(entry, latitude=WICHITA[0]))
    assert created and not created_again
    assert first.pk == again.pk
    assert OutreachContact.objects.count() == 1
    # Someone else cannot claim (or learn about) the entry by its identifier.
    with pytest.raises(ValidationError):
        actions.record_contact(outreach.other_worker, dict(entry, project=outreach.other_project))


def test_the_json_endpoint_is_idempotent_and_keeps_csrf(outreach, client):
    from django.test import Client

    url = reverse("outreach:contact_new")
    body = {
        "client_uuid": str(uuid.uuid4()),
        "project": outreach.project.pk,
        "person_description": "Woman with a red backpack",
        "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "current_living_situation": 116,
        "services_given": ["food"],
        "latitude": "37.687200",
        "longitude": "-97.330100",
        "location_source": "tap",
    }
    client.force_login(outreach.worker)
    first = client.post(url, json.dumps(body), content_type="application/json")
    second = client.post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["county"] == "Sedgwick" and second.json()["id"] == first.json()["id"]
    assert OutreachContact.objects.count() == 1

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(outreach.worker)
    refused = strict.post(
        url, json.dumps(dict(body, client_uuid=str(uuid.uuid4()))), content_type="application/json"
    )
    assert refused.status_code == 403
    assert OutreachContact.objects.count() == 1


def test_the_endpoint_explains_what_is_missing(outreach, client):
    client.force_login(outreach.worker)
    response = client.post(
        reverse("outreach:contact_new"),
        json.dumps(
            {
                "client_uuid": str(uuid.uuid4()),
                "project": outreach.project.pk,
                "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "current_living_situation": 116,
                "latitude": "39.0997",
                "longitude": "-94.5786",  # Kansas City, Missouri
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "outside Kansas" in " ".join(errors["location"])
    assert "person_description" in errors
    assert OutreachContact.objects.count() == 0


def test_the_phone_form_page_works_without_script(outreach, client):
    client.force_login(outreach.worker)
    page = client.get(reverse("outreach:contact_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Use my location" in html and "Streeter, Dana" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    response = client.post(
        reverse("outreach:contact_new"),
        {
            "client_uuid": str(uuid.uuid4()),
            "project": outreach.project.pk,
            "enrollment": outreach.enrollment.pk,
            "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "current_living_situation": 101,
            "latitude": "37.7528",
            "longitude": "-100.0171",
            "location_source": "gps",
        },
    )
    assert response.status_code == 302
    assert OutreachContact.objects.get().county.name == "Ford"


def test_only_situations_without_follow_ups_are_offered_on_the_phone():
    codes = dict(actions.phone_living_situations())
    assert {116, 101, 118, 8, 9, 17, 37, 99} <= set(codes)
    assert 435 not in codes and 215 not in codes


def test_a_contact_cannot_be_in_the_future_or_for_another_agencys_project(outreach):
    with pytest.raises(ValidationError) as refused:
        actions.record_contact(
            outreach.worker, outreach.entry(contacted_at=timezone.now() + dt.timedelta(hours=2))
        )
    assert "contacted_at" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.record_contact(outreach.worker, outreach.entry(project=outreach.other_project))
    assert OutreachContact.objects.count() == 0


def test_an_unnamed_person_is_linked_to_a_client_later(outreach):
    contact, _ = actions.record_contact(outreach.worker, outreach.entry())
    linked = actions.link_contact(outreach.worker, contact, outreach.enrollment)
    assert linked.client == outreach.client
    assert linked.living_record.current_living_situation == 116
    assert linked.living_record.information_date == timezone.localdate(contact.contacted_at)
    with pytest.raises(ValidationError):
        actions.link_contact(outreach.worker, linked, outreach.enrollment)


def test_a_victim_service_providers_contact_is_dv_flagged(outreach):
    from sunflower.hmis.testing import make_project

    outreach.agency.victim_service_provider = 1
    outreach.agency.save()
    vsp_project = make_project(outreach.agency, project_type=4)
    contact, _ = actions.record_contact(outreach.worker, outreach.entry(project=vsp_project))
    assert contact.dv_flag


def test_a_client_currently_fleeing_makes_the_contact_dv_flagged(outreach):
    from sunflower.hmis.models import HealthAndDV

    HealthAndDV.objects.create(
        enrollment=outreach.enrollment,
        client=outreach.client,
        information_date=dt.date(2025, 1, 15),
        data_collection_stage=1,
        domestic_violence_survivor=1,
        currently_fleeing=1,
    )
    contact, _ = actions.record_contact(
        outreach.worker, outreach.entry(enrollment=outreach.enrollment)
    )
    assert contact.dv_flag


def test_encampments_are_points_or_areas_with_a_visit_history(outreach):
    point = actions.create_encampment(
        outreach.worker,
        {
            "name": "Riverside camp",
            "geometry": {"type": "Point", "coordinates": [-97.3401, 37.6901]},
            "status": "active",
            "estimated_people": 6,
            "notes": "",
            "organization": outreach.agency,
        },
    )
    assert point.county.name == "Sedgwick"
    area = actions.create_encampment(
        outreach.worker,
        {
            "name": "Rail yard",
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [-95.68, 39.05],
                        [-95.67, 39.05],
                        [-95.67, 39.06],
                        [-95.68, 39.06],
                        [-95.68, 39.05],
                    ]
                ],
            },
            "status": "active",
            "organization": outreach.agency,
        },
    )
    assert area.county.name == "Shawnee"
    actions.record_visit(
        outreach.worker,
        point,
        {
            "visited_at": timezone.now() - dt.timedelta(days=1),
            "status": "active",
            "estimated_people": 9,
        },
    )
    actions.record_visit(outreach.worker, point, {"status": "cleared", "estimated_people": 0})
    point.refresh_from_db()
    assert (point.status, point.estimated_people) == ("cleared", 0)
    assert EncampmentVisit.objects.filter(encampment=point).count() == 2
    with pytest.raises(ValidationError):
        actions.create_encampment(
            outreach.worker,
            {
                "name": "Elsewhere",
                "geometry": {"type": "Point", "coordinates": [-104.99, 39.74]},
                "organization": outreach.agency,
            },
        )
    assert Encampment.objects.count() == 2


def test_encampment_pages(outreach, client):
    client.force_login(outreach.worker)
    response = client.post(
        reverse("outreach:encampments"),
        {
            "name": "Bridge camp",
            "geometry": json.dumps({"type": "Point", "coordinates": [-95.6752, 39.0473]}),
            "status": "active",
            "estimated_people": "4",
            "organization": outreach.agency.pk,
        },
    )
    site = Encampment.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("outreach:encampment", args=[site.pk]))
    assert detail.status_code == 200 and "Bridge camp" in detail.content.decode()
    visit = client.post(
        reverse("outreach:encampment_visit", args=[site.pk]),
        {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "status": "inactive"},
    )
    assert visit.status_code == 302
    site.refresh_from_db()
    assert site.status == "inactive" and site.last_visited_at is not None


def _bridge_camp(outreach):
    return actions.create_encampment(
        outreach.worker,
        {
            "name": "Bridge camp",
            "geometry": {"type": "Point", "coordinates": [-95.6752, 39.0473]},
            "status": "active",
            "estimated_people": 4,
            "notes": "Under the north end",
            "organization": outreach.agency,
        },
    )


def test_the_sites_agency_changes_its_name_place_and_notes(outreach, client):
    from auditlog.models import LogEntry

    site = _bridge_camp(outreach)
    client.force_login(outreach.worker)
    page = client.get(reverse("outreach:encampment_edit", args=[site.pk]))
    assert page.status_code == 200 and 'value="Bridge camp"' in page.content.decode()

    # Without a new place the old one stays.
    response = client.post(
        reverse("outreach:encampment_edit", args=[site.pk]),
        {"name": "Kansas Avenue bridge", "geometry": "", "notes": ""},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.notes, site.county.name) == ("Kansas Avenue bridge", "", "Shawnee")

    # A new place moves the site, county and all.
    client.post(
        reverse("outreach:encampment_edit", args=[site.pk]),
        {
            "name": "Kansas Avenue bridge",
            "geometry": json.dumps({"type": "Point", "coordinates": [-97.3301, 37.6872]}),
        },
    )
    site.refresh_from_db()
    assert site.county.name == "Sedgwick" and site.geometry["coordinates"] == [-97.3301, 37.6872]
    assert LogEntry.objects.get_for_object(site).filter(action=LogEntry.Action.UPDATE).count() == 2


def test_a_bad_place_changes_nothing_and_keeps_what_was_typed(outreach, client):
    site = _bridge_camp(outreach)
    client.force_login(outreach.worker)
    response = client.post(
        reverse("outreach:encampment_edit", args=[site.pk]),
        {
            "name": "Renamed",
            "geometry": json.dumps({"type": "Point", "coordinates": [-104.99, 39.74]}),
            "notes": "typed",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "outside Kansas" in html and 'value="Renamed"' in html and "typed" in html
    site.refresh_from_db()
    assert site.name == "Bridge camp" and site.county.name == "Shawnee"


def test_another_agency_records_visits_but_does_not_change_the_site(outreach, client):
    site = _bridge_camp(outreach)
    client.force_login(outreach.other_worker)
    assert client.get(reverse("outreach:encampment_edit", args=[site.pk])).status_code == 404
    response = client.post(
        reverse("outreach:encampment_edit", args=[site.pk]), {"name": "Taken over"}
    )
    assert response.status_code == 404
    detail = client.get(reverse("outreach:encampment", args=[site.pk])).content.decode()
    assert 'data-testid="edit-encampment"' not in detail
    with pytest.raises(PermissionDenied):
        actions.change_encampment(outreach.other_worker, site, {"name": "Taken over"})
    site.refresh_from_db()
    assert site.name == "Bridge camp"


def _correction(contact, **changes) -> dict:
    values = {
        "person_description": contact.person_description,
        "contacted_at": timezone.localtime(contact.contacted_at).strftime("%Y-%m-%dT%H:%M"),
        "current_living_situation": str(contact.current_living_situation),
        "location_details": contact.location_details,
        "services_given": list(contact.services_given),
    }
    values.update(changes)
    return values


def test_a_known_clients_contact_is_corrected_with_its_hud_record(outreach, client):
    from auditlog.models import LogEntry

    contact, _ = actions.record_contact(
        outreach.worker, outreach.entry(enrollment=outreach.enrollment, person_description="")
    )
    record = contact.living_record
    client.force_login(outreach.worker)
    assert client.get(reverse("outreach:contact_correct", args=[contact.pk])).status_code == 200
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    response = client.post(
        reverse("outreach:contact_correct", args=[contact.pk]),
        _correction(
            contact,
            contacted_at=yesterday.strftime("%Y-%m-%dT%H:%M"),
            current_living_situation="118",
            location_details="Behind the library",
            services_given=["clothing"],
        ),
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    record.refresh_from_db()
    assert contact.current_living_situation == record.current_living_situation == 118
    assert contact.location_details == record.location_details == "Behind the library"
    assert record.information_date == yesterday.date()
    assert contact.services_given == ["clothing"]
    for changed in (contact, record):
        updates = LogEntry.objects.get_for_object(changed).filter(action=LogEntry.Action.UPDATE)
        assert updates.count() == 1


def test_a_correction_into_the_future_changes_nothing_and_keeps_what_was_typed(outreach, client):
    contact, _ = actions.record_contact(outreach.worker, outreach.entry())
    client.force_login(outreach.worker)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        reverse("outreach:contact_correct", args=[contact.pk]),
        _correction(
            contact,
            contacted_at=tomorrow.strftime("%Y-%m-%dT%H:%M"),
            person_description="Tall man, red cap",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The contact cannot be in the future." in html and "Tall man, red cap" in html
    before = contact.contacted_at
    contact.refresh_from_db()
    assert contact.contacted_at == before and contact.person_description.startswith("Man in a")

    response = client.post(
        reverse("outreach:contact_correct", args=[contact.pk]),
        _correction(contact, person_description=""),
    )
    assert "Describe the person" in response.content.decode()


def test_another_agency_cannot_correct_a_contact(outreach, client):
    contact, _ = actions.record_contact(outreach.worker, outreach.entry())
    client.force_login(outreach.other_worker)
    url = reverse("outreach:contact_correct", args=[contact.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _correction(contact, location_details="x")).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.correct_contact(
            outreach.other_worker, contact, {**_correction(contact), "contacted_at": timezone.now()}
        )
    contact.refresh_from_db()
    assert contact.location_details == ""
