"""CES participation: the CE Participation Agreement, notifications, referral deadlines, the
time-to-decision report, access points (with HUD's CEParticipation) and the CES demo data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sunflower.ces import access_points, agreements, notify
from sunflower.ces.models import (
    AccessPoint,
    AgreementSignature,
    ListEntry,
    Notification,
    Opening,
    ParticipationAgreement,
    Referral,
)
from sunflower.ces.testing import sign_agreement
from sunflower.hmis import models as hmis

pytestmark = pytest.mark.ces

REPORT_URL = "/ces/reports/referral-decisions/"


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def counties(ces):
    """Two counties of the test region, one of the other region, one of another CoC."""
    from sunflower.geo.models import ContinuumOfCare, County

    other_coc, _ = ContinuumOfCare.objects.get_or_create(
        code="KS-505", defaults={"name": "Johnson County", "served": True}
    )

    def county(name, fips, coc, region):
        return County.objects.create(name=name, fips5=fips, state_fips="20", coc=coc, region=region)

    return {
        "a": county("Alpha", "20991", ces.coc, ces.region),
        "b": county("Bravo", "20993", ces.coc, ces.region),
        "other_region": county("Charlie", "20995", ces.coc, ces.other_region),
        "other_coc": county("Delta", "20997", other_coc, None),
    }


# --- the CE Participation Agreement ---------------------------------------------------------


def test_the_migration_installs_the_default_agreement_2026_1(ces):
    agreement = agreements.current_agreement()
    assert agreement.version == "2026.1"
    text = agreement.text.lower()
    for words in (
        "coordinated entry",
        "confidential",
        "only for coordinated entry",
        "violence against women act",
        "written standards",
    ):
        assert words in text


def test_signing_needs_the_users_own_full_name_case_insensitively(ces):
    user = named(ces.access_point_user, "Aaron", "Pike")
    assert not agreements.has_signed(user)
    with pytest.raises(ValidationError) as error:
        agreements.sign(user, "Someone Else")
    assert "Aaron Pike" in str(error.value.message_dict["signed_name"])
    assert not AgreementSignature.objects.exists()

    signature = agreements.sign(user, "  aaron   PIKE ")
    assert signature.organization is None and signature.agreement.version == "2026.1"
    assert agreements.has_signed(user)
    with pytest.raises(ValidationError):
        agreements.sign(user, "Aaron Pike")  # once per version
    assert AgreementSignature.objects.count() == 1


def test_a_user_without_a_name_cannot_sign(ces):
    with pytest.raises(ValidationError) as error:
        agreements.sign(ces.agency_user, "")
    assert "no name" in str(error.value)


def test_only_agency_admins_and_hmis_admins_sign_for_an_agency(ces):
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role

    staff = named(ces.agency_user, "Grace", "Hill")
    with pytest.raises(PermissionDenied):
        agreements.sign(staff, "Grace Hill", for_organization=ces.housing_agency)
    agency_admin = create_user_with_role(
        "aa@example.org",
        Role.AGENCY_ADMIN,
        "pw-long-enough-1",
        organization=ces.housing_agency,
        first_name="Adele",
        last_name="Marsh",
    )
    with pytest.raises(PermissionDenied):  # not their agency
        agreements.sign(agency_admin, "Adele Marsh", for_organization=ces.vsp_agency)
    assert not agreements.agency_signed(ces.housing_agency)

    agreements.sign(agency_admin, "Adele Marsh", for_organization=ces.housing_agency)
    assert agreements.agency_signed(ces.housing_agency)
    assert not agreements.has_signed(agency_admin)  # the agency signed, not the person
    with pytest.raises(ValidationError):
        agreements.sign(agency_admin, "Adele Marsh", for_organization=ces.housing_agency)

    admin = named(ces.admin, "Harper", "Lind")
    agreements.sign(admin, "Harper Lind", for_organization=ces.vsp_agency)
    assert agreements.agency_signed(ces.vsp_agency)


def test_guarded_pages_redirect_to_the_agreement_with_next_until_signed(ces, client):
    admin = named(ces.admin, "Harper", "Lind")
    client.force_login(admin)

    response = client.get(REPORT_URL + "?since=2026-01-01")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("ces_agreement") + "?next=" + quote(REPORT_URL + "?since=2026-01-01", safe="")
    )

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-testid="agreement-text"' in page.content
    assert b'data-testid="sign-first"' in page.content

    wrong = client.post(
        reverse("ces_agreement"), {"signed_name": "Harper Lindqvist", "next": REPORT_URL}
    )
    assert wrong.status_code == 200
    assert b"Type your full name exactly as on your account: Harper Lind." in wrong.content
    assert not agreements.has_signed(admin)

    signed = client.post(
        reverse("ces_agreement"), {"signed_name": "harper lind", "next": REPORT_URL}
    )
    assert signed.status_code == 302 and signed["Location"] == REPORT_URL
    assert agreements.has_signed(admin)
    assert client.get(REPORT_URL).status_code == 200


def test_the_agreement_page_ignores_an_outside_next(ces, client):
    user = named(ces.access_point_user, "Aaron", "Pike")
    client.force_login(user)
    response = client.post(
        reverse("ces_agreement"), {"signed_name": "Aaron Pike", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ces_agreement")


def test_an_agency_admin_signs_for_the_agency_on_the_page(ces, client):
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role

    agency_admin = create_user_with_role(
        "aa@example.org",
        Role.AGENCY_ADMIN,
        "pw-long-enough-1",
        organization=ces.housing_agency,
        first_name="Adele",
        last_name="Marsh",
    )
    client.force_login(agency_admin)
    page = client.get(reverse("ces_agreement"))
    assert b"Prairie Housing" in page.content
    response = client.post(
        reverse("ces_agreement"),
        {
            "signed_name": "Adele Marsh",
            "for_organization": str(ces.housing_agency.pk),
        },
    )
    assert response.status_code == 302
    assert agreements.agency_signed(ces.housing_agency)
    assert not agreements.has_signed(agency_admin)


def test_without_any_agreement_the_guard_lets_users_through(ces, client):
    ParticipationAgreement.objects.all().delete()
    assert agreements.current_agreement() is None
    client.force_login(ces.admin)
    assert client.get(REPORT_URL).status_code == 200


def test_a_new_version_must_be_signed_again(ces):
    user = named(ces.access_point_user, "Aaron", "Pike")
    sign_agreement(user)
    assert agreements.has_signed(user)
    ParticipationAgreement.objects.create(
        version="2027.1", text="New terms.", effective_on=timezone.localdate()
    )
    assert agreements.current_agreement().version == "2027.1"
    assert not agreements.has_signed(user)


def test_signature_list_is_for_hmis_admins_only(ces, client):
    user = named(ces.access_point_user, "Aaron", "Pike")
    agreements.sign(user, "Aaron Pike")
    client.force_login(ces.agency_user)
    assert client.get(reverse("ces_agreement_signatures")).status_code == 403
    client.force_login(ces.admin)
    page = client.get(reverse("ces_agreement_signatures"))
    assert page.status_code == 200
    assert b"ap@example.org" in page.content and b"Aaron Pike" in page.content


def test_sign_agreement_helper_names_a_nameless_user(ces):
    signature = sign_agreement(ces.vsp_user)
    assert signature is not None and agreements.has_signed(ces.vsp_user)
    assert sign_agreement(ces.vsp_user) is None


# --- notifications ----------------------------------------------------------------------------


def test_notifications_page_shows_only_the_users_own_newest_first(ces, client):
    notify.notify([ces.agency_user], "First for agency", "body one", "/ces/")
    notify.notify([ces.agency_user], "Second for agency", "body two")
    notify.notify([ces.coordinator], "Coordinator only", "secret")
    client.force_login(ces.agency_user)

    page = client.get(reverse("ces_notifications"))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Coordinator only" not in content
    assert content.index("Second for agency") < content.index("First for agency")
    assert content.count('data-unread="1"') == 2
    assert "2 unread notifications" in content


def test_mark_read_only_for_the_users_own_notification(ces, client):
    mine = notify.notify([ces.agency_user], "Mine", "")[0]
    theirs = notify.notify([ces.coordinator], "Theirs", "")[0]
    client.force_login(ces.agency_user)

    assert client.get(reverse("ces_notification_read", args=[mine.pk])).status_code == 405
    response = client.post(reverse("ces_notification_read", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'data-unread="1"' not in client.get(reverse("ces_notifications")).content.decode()

    assert client.post(reverse("ces_notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_leaves_other_users_alone(ces, client):
    notify.notify([ces.agency_user, ces.coordinator], "Both", "")
    client.force_login(ces.agency_user)
    client.post(reverse("ces_notifications_read_all"))
    assert not Notification.objects.filter(user=ces.agency_user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=ces.coordinator, read_at__isnull=True).count() == 1


# --- referrals for the report and the deadlines -------------------------------------------


def _referral(ces, opening, entry, referred_at, status=Referral.Status.PENDING, hours=None):
    return Referral.objects.create(
        opening=opening,
        entry=entry,
        status=status,
        referred_by=ces.coordinator,
        referred_at=referred_at,
        decision_due=referred_at + dt.timedelta(days=3),
        decided_at=referred_at + dt.timedelta(hours=hours) if hours is not None else None,
    )


@pytest.fixture
def report_world(ces):
    """Prairie Housing: decided in 10 h, decided in 90 h (late), pending past due (late).
    Another agency in the other region: one referral decided in 5 h."""
    from sunflower.hmis.testing import make_client, make_organization, make_project

    now = timezone.now()
    entries = [ces.assess(ces.household()).entry for _ in range(3)]
    referrals = [
        _referral(
            ces,
            ces.opening(title="A"),
            entries[0],
            now - dt.timedelta(days=20),
            Referral.Status.ACCEPTED,
            hours=10,
        ),
        _referral(
            ces,
            ces.opening(title="B"),
            entries[1],
            now - dt.timedelta(days=10),
            Referral.Status.DECLINED_AGENCY,
            hours=90,
        ),
        _referral(ces, ces.opening(title="C"), entries[2], now - dt.timedelta(days=5)),
    ]
    other_agency = make_organization(organization_name="Western Homes")
    rrh = make_project(other_agency, project_type=13, project_name="Western RRH")
    other_entry = ListEntry.objects.create(
        region=ces.other_region, client=make_client(), household_type="adults"
    )
    other = _referral(
        ces,
        ces.opening(project=rrh, region=ces.other_region, title="W"),
        other_entry,
        now - dt.timedelta(days=2),
        Referral.Status.ACCEPTED,
        hours=5,
    )
    return referrals, other, other_agency


def _report(client, user, query=""):
    sign_agreement(user)
    client.force_login(user)
    return client.get(REPORT_URL + query)


def test_report_numbers_for_the_hmis_admin(ces, client, report_world):
    response = _report(client, ces.admin)
    assert response.status_code == 200
    rows = {r.organization: r for r in response.context["rows"]}
    assert set(rows) == {"Prairie Housing", "Western Homes"}
    prairie = rows["Prairie Housing"]
    assert (prairie.referrals, prairie.decided, prairie.pending) == (3, 2, 1)
    assert prairie.median_hours == 50.0 and prairie.longest_hours == 90.0
    assert prairie.late == 2
    western = rows["Western Homes"]
    assert (western.referrals, western.median_hours, western.late) == (1, 5.0, 0)
    assert response.context["totals"]["referrals"] == 4


def test_report_since_narrows_to_later_referrals(ces, client, report_world):
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    response = _report(client, ces.admin, f"?since={since}")
    rows = {r.organization: r for r in response.context["rows"]}
    assert rows["Prairie Housing"].referrals == 1  # only the pending one
    assert rows["Prairie Housing"].decided == 0
    bad = client.get(REPORT_URL + "?since=yesterday")
    assert bad.status_code == 200 and b'data-testid="since-error"' in bad.content
    assert len(bad.context["rows"]) == 2


def test_a_coordinator_sees_their_regions_referrals_only(ces, client, report_world):
    response = _report(client, ces.coordinator)
    assert response.status_code == 200
    names = [r.organization for r in response.context["rows"]]
    assert names == ["Prairie Housing"]
    assert response.context["rows"][0].referrals == 3


def test_an_agency_sees_its_own_agency_only(ces, client, report_world):
    _, other, other_agency = report_world
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role

    western = create_user_with_role(
        "west@example.org", Role.AGENCY_CES, "pw-long-enough-1", organization=other_agency
    )
    response = _report(client, western)
    assert [r.organization for r in response.context["rows"]] == ["Western Homes"]
    response = _report(client, ces.agency_user)
    assert [r.organization for r in response.context["rows"]] == ["Prairie Housing"]


@pytest.mark.parametrize("who", ["access_point_user", "vsp_user"])
def test_roles_without_referral_duties_get_403(ces, client, report_world, who):
    assert _report(client, getattr(ces, who)).status_code == 403


def test_ces_deadlines_command_and_task_remind_then_escalate_once(ces):
    from sunflower.ces.tasks import check_referral_deadlines

    now = timezone.now()
    entries = [ces.assess(ces.household()).entry for _ in range(2)]
    due_soon = _referral(
        ces,
        ces.opening(title="Soon"),
        entries[0],
        now - dt.timedelta(days=3) + dt.timedelta(hours=2),
    )
    overdue = _referral(ces, ces.opening(title="Late"), entries[1], now - dt.timedelta(days=4))

    out = io.StringIO()
    call_command("ces_deadlines", stdout=out)
    assert "Reminders sent: 1" in out.getvalue()
    assert "Escalations sent: 1" in out.getvalue()
    due_soon.refresh_from_db()
    overdue.refresh_from_db()
    assert due_soon.reminded_at is not None and overdue.escalated_at is not None
    assert (
        Notification.objects.filter(user=ces.agency_user, subject__startswith="Reminder").count()
        == 1
    )
    assert (
        Notification.objects.filter(user=ces.coordinator, subject__startswith="Overdue").count()
        == 1
    )

    assert check_referral_deadlines.delay().get() == {"reminded": 0, "escalated": 0}


def test_beat_schedule_and_deadline_settings():
    from sunflower.ces.tasks import check_referral_deadlines

    entry = settings.CELERY_BEAT_SCHEDULE["ces-referral-deadlines"]
    assert entry["task"] == check_referral_deadlines.name
    assert entry["schedule"] == 15 * 60
    assert settings.CES_REFERRAL_DECISION_DAYS == 3
    assert settings.CES_REFERRAL_REMINDER_HOURS == 24


# --- access points ---------------------------------------------------------------------------


def test_designating_writes_the_hud_ce_participation_row(ces, counties):
    start = dt.date(2026, 2, 1)
    point = access_points.designate(
        ces.admin,
        ces.psh,
        "Prairie front desk",
        AccessPoint.Mode.PHYSICAL,
        ces.coc,
        ces.region,
        [counties["a"], counties["b"]],
        ["housing", "crisis"],
        start,
        receives_referrals=True,
        direct_services=True,
    )
    row = point.ce_participation
    assert row.project == ces.psh
    assert (
        row.access_point,
        row.prevention_assessment,
        row.crisis_assessment,
        row.housing_assessment,
        row.direct_services,
        row.receives_referrals,
    ) == (1, 0, 1, 1, 1, 1)
    assert row.ce_participation_status_start_date == start
    assert row.ce_participation_status_end_date is None
    assert row.user is not None
    assert set(point.counties.all()) == {counties["a"], counties["b"]}
    assert not point.prevention_assessment and point.crisis_assessment

    access_points.end(ces.admin, point, dt.date(2026, 6, 30))
    point.refresh_from_db()
    row.refresh_from_db()
    assert point.end_date == row.ce_participation_status_end_date == dt.date(2026, 6, 30)
    with pytest.raises(ValidationError):
        access_points.end(ces.admin, point, dt.date(2026, 7, 1))


def test_not_receiving_referrals_is_written_as_no(ces, counties):
    point = access_points.designate(
        ces.admin,
        ces.ce_project,
        "Line",
        AccessPoint.Mode.VIRTUAL,
        ces.coc,
        ces.region,
        [],
        ["prevention"],
        dt.date(2026, 2, 1),
    )
    assert point.ce_participation.receives_referrals == 0
    assert point.ce_participation.housing_assessment == 0


def test_an_older_open_ce_participation_row_is_ended_the_day_before(ces, counties):
    old = hmis.CEParticipation.objects.create(
        project=ces.psh,
        access_point=0,
        receives_referrals=1,
        ce_participation_status_start_date=dt.date(2020, 1, 1),
    )
    point = access_points.designate(
        ces.admin,
        ces.psh,
        "Desk",
        AccessPoint.Mode.PHYSICAL,
        ces.coc,
        ces.region,
        [counties["a"]],
        ["housing"],
        dt.date(2026, 3, 1),
    )
    old.refresh_from_db()
    assert old.ce_participation_status_end_date == dt.date(2026, 2, 28)
    assert point.ce_participation.pk != old.pk


@pytest.mark.parametrize("who", ["coordinator", "agency_user", "access_point_user"])
def test_only_hmis_admins_designate_and_end(ces, counties, who):
    user = getattr(ces, who)
    with pytest.raises(PermissionDenied):
        access_points.designate(
            user,
            ces.psh,
            "X",
            AccessPoint.Mode.PHYSICAL,
            ces.coc,
            ces.region,
            [counties["a"]],
            ["housing"],
            dt.date(2026, 2, 1),
        )
    with pytest.raises(PermissionDenied):
        access_points.end(user, ces.access_point, dt.date(2026, 2, 1))
    assert not hmis.CEParticipation.objects.exists()


def test_counties_must_belong_to_the_region_or_the_coc(ces, counties):
    with pytest.raises(ValidationError) as error:
        access_points.designate(
            ces.admin,
            ces.psh,
            "Desk",
            AccessPoint.Mode.PHYSICAL,
            ces.coc,
            ces.region,
            [counties["a"], counties["other_region"]],
            ["housing"],
            dt.date(2026, 2, 1),
        )
    message = str(error.value.message_dict["counties"])
    assert "Charlie" in message and "CES Test Region" in message
    assert not AccessPoint.objects.filter(name="Desk").exists()
    assert not hmis.CEParticipation.objects.exists()

    remote = access_points.designate(
        ces.admin,
        ces.ce_project,
        "Statewide",
        AccessPoint.Mode.REMOTE,
        ces.coc,
        None,
        [counties["a"], counties["other_region"]],
        ["housing"],
        dt.date(2026, 2, 1),
    )
    assert remote.counties.count() == 2
    with pytest.raises(ValidationError) as error:
        access_points.designate(
            ces.admin,
            ces.psh,
            "Too far",
            AccessPoint.Mode.REMOTE,
            ces.coc,
            None,
            [counties["other_coc"]],
            ["housing"],
            dt.date(2026, 2, 1),
        )
    assert "Delta" in str(error.value) and "KS-507" in str(error.value)


def test_a_physical_access_point_needs_a_region_counties_and_an_assessment(ces, counties):
    with pytest.raises(ValidationError) as error:
        access_points.designate(
            ces.admin,
            ces.psh,
            "",
            AccessPoint.Mode.PHYSICAL,
            ces.coc,
            None,
            [],
            [],
            dt.date(2026, 2, 1),
        )
    assert {"name", "region", "counties", "assessment_kinds"} <= set(error.value.message_dict)


def test_the_ce_participation_row_is_exported(ces, counties):
    from sunflower.interchange.exporter import export_hmis_csv

    access_points.designate(
        ces.admin,
        ces.psh,
        "Desk",
        AccessPoint.Mode.PHYSICAL,
        ces.coc,
        ces.region,
        [counties["a"]],
        ["housing", "prevention"],
        dt.date(2026, 2, 1),
        receives_referrals=True,
    )
    buffer = io.BytesIO()
    export_hmis_csv(
        user=None,
        output=buffer,
        projects=[ces.psh],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    rows = list(csv.DictReader(io.StringIO(archive.read("CEParticipation.csv").decode())))
    assert len(rows) == 1
    row = rows[0]
    project_id = hmis.Project.objects.get(pk=ces.psh.pk).project_id
    assert row["ProjectID"] == project_id
    assert (
        row["AccessPoint"],
        row["PreventionAssessment"],
        row["CrisisAssessment"],
        row["HousingAssessment"],
        row["DirectServices"],
        row["ReceivesReferrals"],
    ) == ("1", "1", "0", "1", "0", "1")
    assert row["CEParticipationStatusStartDate"] == "2026-02-01"


def test_access_point_page_lists_by_region_and_county(ces, client, counties):
    access_points.designate(
        ces.admin,
        ces.psh,
        "Prairie front desk",
        AccessPoint.Mode.PHYSICAL,
        ces.coc,
        ces.region,
        [counties["a"]],
        ["housing"],
        dt.date(2026, 2, 1),
    )
    user = ces.access_point_user
    sign_agreement(user)
    client.force_login(user)
    page = client.get(reverse("ces_access_points"))
    content = page.content.decode()
    assert page.status_code == 200
    assert "KS-507 CES Test Region" in content and "Prairie front desk" in content
    assert "Coalition phone line" in content  # the fixture's remote access point
    assert "Alpha" in content
    assert 'data-testid="designate-form"' not in content
    assert client.post(reverse("ces_access_points"), {}).status_code == 403


def test_access_point_page_needs_ces_access(ces, client):
    from sunflower.accounts.models import User

    nobody = named(
        User.objects.create_user(email="nobody@example.org", password="pw-long-1x"), "No", "Body"
    )
    sign_agreement(nobody)
    client.force_login(nobody)
    assert client.get(reverse("ces_access_points")).status_code == 403


def test_hmis_admin_designates_and_ends_on_the_page(ces, client, counties):
    sign_agreement(ces.admin)
    client.force_login(ces.admin)
    assert b'data-testid="designate-form"' in client.get(reverse("ces_access_points")).content
    form = {
        "project": ces.psh.pk,
        "name": "Prairie desk",
        "mode": "physical",
        "coc": ces.coc.pk,
        "region": ces.region.pk,
        "counties": [counties["other_region"].pk],
        "assessment_kinds": ["housing"],
        "start_date": "2026-02-01",
    }
    refused = client.post(reverse("ces_access_points"), form)
    assert refused.status_code == 200 and b"Not in the region CES Test Region" in refused.content
    assert not AccessPoint.objects.filter(name="Prairie desk").exists()

    form["counties"] = [counties["a"].pk]
    form["receives_referrals"] = "on"
    response = client.post(reverse("ces_access_points"), form)
    assert response.status_code == 302
    point = AccessPoint.objects.get(name="Prairie desk")
    assert point.ce_participation.receives_referrals == 1

    ended = client.post(
        reverse("ces_access_point_end", args=[point.pk]), {"end_date": "2026-05-31"}
    )
    assert ended.status_code == 302
    point.refresh_from_db()
    assert point.end_date == dt.date(2026, 5, 31)
    assert point.ce_participation.ce_participation_status_end_date == dt.date(2026, 5, 31)


# --- admin -------------------------------------------------------------------------------------


def test_admin_refuses_an_invalid_draft_definition_and_freezes_published(ces, client):
    from sunflower.ces.models import ToolVersion

    admin = ces.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    tool = ces.housing_tool.tool
    response = client.post(
        reverse("admin:ces_toolversion_add"),
        {
            "tool": tool.pk,
            "number": 2,
            "definition": '{"sections": [], "bands": []}',
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert b"nothing was saved" in response.content
    assert b"&#x27;sections&#x27; must be a non-empty list." in response.content
    assert not ToolVersion.objects.filter(tool=tool, number=2).exists()

    published = ces.housing_tool
    page = client.get(reverse("admin:ces_toolversion_change", args=[published.pk]))
    assert page.status_code == 200
    assert b'name="definition"' not in page.content  # read only
    before = published.definition
    response = client.post(
        reverse("admin:ces_toolversion_change", args=[published.pk]),
        {"notes": "changed", "definition": "{}"},
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.definition == before and published.notes != "changed"


# --- demo data ----------------------------------------------------------------------------------


def test_the_ces_demo_loader_is_idempotent_and_fast(ces, counties):
    from sunflower.accounts.demo import DEMO_DOMAIN, LEAD_NAME
    from sunflower.accounts.roles import Role
    from sunflower.accounts.testing import create_user_with_role
    from sunflower.ces.demo import load_ces_demo
    from sunflower.geo.models import County
    from sunflower.hmis.models import ProjectCoC
    from sunflower.hmis.testing import make_organization, make_project

    # ProjectCoC geocode 209999 puts the fixture's projects in county 20999: the test region.
    County.objects.create(
        name="Echo", fips5="20999", state_fips="20", coc=ces.coc, region=ces.region
    )
    lead = make_organization(organization_name=LEAD_NAME)
    statewide = make_project(lead, project_type=14, project_name="KS BoS CE")
    ProjectCoC.objects.create(project=statewide, coc_code="KS-507", geocode="209999")
    admin = create_user_with_role(
        f"hmis-admin@{DEMO_DOMAIN}",
        Role.HMIS_ADMIN,
        "pw-long-enough-1",
        organization=lead,
        first_name="Harper",
        last_name="Lind",
    )
    agency_admin = create_user_with_role(
        f"agency-admin@{DEMO_DOMAIN}",
        Role.AGENCY_ADMIN,
        "pw-long-enough-1",
        organization=ces.housing_agency,
        first_name="Adele",
        last_name="Marsh",
    )
    for _ in range(3):
        ces.household()
    AccessPoint.objects.all().delete()  # the fixture's; the loader makes its own

    started = time.monotonic()
    first = load_ces_demo()
    assert time.monotonic() - started < 20
    assert first.access_points == 2  # the region's and the lead's remote line
    assert first.assessments == 3
    assert first.openings == 1  # the PSH of the region
    assert first.signatures == 3  # two people, one agency
    regional = AccessPoint.objects.get(region=ces.region)
    assert regional.project == ces.ce_project and regional.ce_participation.access_point == 1
    assert AccessPoint.objects.get(region__isnull=True).project == statewide
    assert ListEntry.objects.filter(region=ces.region, rank__isnull=False).count() == 3
    assert Opening.objects.filter(project=ces.psh, status="open").count() == 1
    assert agreements.has_signed(admin) and agreements.has_signed(agency_admin)
    assert agreements.agency_signed(ces.housing_agency)

    counts = (
        AccessPoint.objects.count(),
        hmis.CEParticipation.objects.count(),
        ListEntry.objects.count(),
        Opening.objects.count(),
        AgreementSignature.objects.count(),
        hmis.Assessment.objects.count(),
    )
    second = load_ces_demo()
    assert (second.access_points, second.assessments, second.openings, second.signatures) == (
        0,
        0,
        0,
        0,
    )
    assert counts == (
        AccessPoint.objects.count(),
        hmis.CEParticipation.objects.count(),
        ListEntry.objects.count(),
        Opening.objects.count(),
        AgreementSignature.objects.count(),
        hmis.Assessment.objects.count(),
    )


def test_the_ces_demo_loader_does_nothing_without_demo_logins(ces):
    from sunflower.ces.demo import load_ces_demo

    summary = load_ces_demo()
    assert (summary.access_points, summary.assessments, summary.signatures) == (0, 0, 0)


def test_ces_setup_gives_a_coc_without_regions_one_list_and_is_idempotent(db):
    from django.core.management import call_command

    from sunflower.ces.models import AssessmentTool
    from sunflower.ces.setup import ensure_ces_setup
    from sunflower.geo.models import ContinuumOfCare, Region

    johnson = ContinuumOfCare.objects.create(code="KS-905", name="Test County CoC", served=True)
    neighbour = ContinuumOfCare.objects.create(code="KS-906", name="Neighbour", served=False)
    first = ensure_ces_setup()
    assert "KS-905 Test County CoC (whole CoC)" in first.regions_created
    assert Region.objects.filter(coc=johnson).count() == 1
    assert not Region.objects.filter(coc=neighbour).exists()
    assert set(AssessmentTool.objects.values_list("slug", flat=True)) >= {
        "housing-needs",
        "prevention",
    }
    call_command("ces_setup")
    assert Region.objects.filter(coc=johnson).count() == 1
    assert ensure_ces_setup().regions_created == []
