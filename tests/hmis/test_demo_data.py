"""The synthetic Kansas demo data (sunflower.hmis.demo): deterministic and HUD-consistent."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q

from sunflower.hmis import demo
from sunflower.hmis import models as hmis
from sunflower.hmis.demo import DemoDataError, generate_demo_data

pytestmark = [pytest.mark.foundation, pytest.mark.django_db]

TODAY = dt.date(2026, 1, 15)
SEED = 7
CLIENTS = 150
MISSING = (8, 9, 99)
RACE_FIELDS = (
    "am_ind_ak_native",
    "asian",
    "black_af_american",
    "hispanic_latinao",
    "mid_east_n_african",
    "native_hi_pacific",
    "white",
)


@pytest.fixture
def summary():
    return generate_demo_data(clients=CLIENTS, seed=SEED, today=TODAY)


class _Rollback(Exception):
    pass


def _snapshot() -> dict[str, list]:
    return {
        "clients": list(
            hmis.Client.objects.order_by("personal_id").values_list(
                "personal_id", "first_name", "last_name", "ssn", "dob"
            )
        ),
        "enrollments": list(
            hmis.Enrollment.objects.order_by("enrollment_id").values_list(
                "enrollment_id",
                "client__personal_id",
                "project__project_id",
                "household_id",
                "entry_date",
                "relationship_to_hoh",
                "move_in_date",
            )
        ),
        "exits": list(
            hmis.Exit.objects.order_by("exit_id").values_list("exit_id", "exit_date", "destination")
        ),
        "projects": list(
            hmis.Project.objects.order_by("project_id").values_list(
                "project_id", "project_name", "project_type"
            )
        ),
        "services": list(
            hmis.Services.objects.order_by("services_id").values_list(
                "services_id", "date_provided"
            )
        ),
        "disabilities": hmis.Disabilities.objects.count(),
        "income": hmis.IncomeBenefits.objects.count(),
    }


def _generate_and_roll_back() -> tuple[dict[str, list], demo.DemoSummary]:
    captured = {}
    with pytest.raises(_Rollback), transaction.atomic():
        captured["summary"] = generate_demo_data(clients=CLIENTS, seed=SEED, today=TODAY)
        captured["snapshot"] = _snapshot()
        raise _Rollback
    assert not hmis.Client.all_objects.exists()
    return captured["snapshot"], captured["summary"]


def test_same_seed_same_data():
    first, first_summary = _generate_and_roll_back()
    second, second_summary = _generate_and_roll_back()
    assert first_summary.clients == CLIENTS
    assert len(first["clients"]) == CLIENTS
    assert first == second
    assert first_summary.counts == second_summary.counts
    # A different seed gives other people.
    with pytest.raises(_Rollback), transaction.atomic():
        generate_demo_data(clients=CLIENTS, seed=SEED + 1, today=TODAY)
        other = _snapshot()
        raise _Rollback
    assert other["clients"] != first["clients"]


def test_summary_matches_the_database(summary):
    assert summary.clients == CLIENTS == hmis.Client.objects.count()
    for model in hmis.HUD_MODELS:
        if model.__name__ in summary.counts:
            assert summary.counts[model.__name__] == model.all_objects.count(), model.__name__
    assert summary.seconds > 0
    assert summary.clients_per_second > 0
    assert any("clients/s" in line for line in summary.lines())
    assert all(c.data_source_id == hmis.NATIVE_DATA_SOURCE_ID for c in hmis.Client.objects.all())


def test_agencies_and_projects(summary):
    types = set(hmis.Project.objects.values_list("project_type", flat=True))
    assert {0, 1, 2, 3, 4, 6, 12, 13, 14} <= types
    assert set(
        hmis.Project.objects.filter(project_type=13).values_list("rrh_sub_type", flat=True)
    ) == {1, 2}
    assert hmis.Organization.objects.filter(organization_name=demo.HMIS_LEAD_NAME).count() == 1
    assert hmis.Organization.objects.filter(victim_service_provider=1).count() == 2
    assert {"KS-507", "KS-505"} <= set(hmis.ProjectCoC.objects.values_list("coc_code", flat=True))
    assert {"KS-507", "KS-505"} <= set(
        hmis.Enrollment.objects.values_list("enrollment_coc", flat=True)
    )
    # Each project: a ProjectCoC with a 6-digit Kansas geocode, a funder, HMIS participation.
    for project in hmis.Project.objects.all():
        project_cocs = list(project.project_cocs.all())
        assert len(project_cocs) == 1
        assert re.fullmatch(r"20\d{4}", project_cocs[0].geocode)
        assert project_cocs[0].state == "KS"
        assert project.funders.exists()
        assert project.operating_start_date < TODAY - dt.timedelta(days=3 * 365)
        participation = project.hmis_participations.get()
        vsp = project.organization.victim_service_provider == 1
        assert participation.hmis_participation_type == (2 if vsp else 1)
        if project.project_type in (0, 1, 2, 3) or (
            project.project_type == 13 and project.rrh_sub_type == 2
        ):
            assert project.inventories.exists(), project.project_name
    # Victim service providers use a comparable database: no client records in the HMIS.
    assert not hmis.Enrollment.objects.filter(project__organization__victim_service_provider=1)
    # Coordinated entry: CE projects are access points, housing projects receive referrals.
    ce = hmis.CEParticipation.objects
    assert ce.filter(project__project_type=14, access_point=1).exists()
    assert ce.filter(project__project_type__in=(2, 3, 13), receives_referrals=1).exists()
    assert hmis.Funder.objects.filter(funder__in=range(2, 8)).exists()
    assert hmis.Funder.objects.filter(funder__in=range(8, 12)).exists()


def test_clients_and_households(summary):
    assert not hmis.Client.objects.filter(enrollments__isnull=True).exists()
    heads = hmis.Enrollment.objects.values("household_id").annotate(
        heads=Count("id", filter=Q(relationship_to_hoh=1))
    )
    assert heads and all(row["heads"] == 1 for row in heads)
    others = set(
        hmis.Enrollment.objects.exclude(relationship_to_hoh=1).values_list(
            "relationship_to_hoh", flat=True
        )
    )
    assert others and others <= {2, 3, 4, 5}
    # Households enter together.
    entries = hmis.Enrollment.objects.values("household_id").annotate(
        dates=Count("entry_date", distinct=True), projects=Count("project", distinct=True)
    )
    assert all(row["dates"] == 1 and row["projects"] == 1 for row in entries)
    sizes = [
        row["n"] for row in hmis.Enrollment.objects.values("household_id").annotate(n=Count("id"))
    ]
    assert sizes.count(1) > len(sizes) / 2  # mostly single adults
    assert max(sizes) >= 3  # and some families


def test_dates(summary):
    window_start = TODAY.replace(year=TODAY.year - 3)
    enrollments = hmis.Enrollment.objects
    assert not enrollments.filter(entry_date__lt=window_start).exists()
    assert not enrollments.filter(entry_date__gt=TODAY).exists()
    exits = hmis.Exit.objects
    assert not exits.filter(exit_date__lt=F("enrollment__entry_date")).exists()
    assert not exits.filter(exit_date__gt=TODAY).exists()
    assert not exits.values("enrollment").annotate(n=Count("id")).filter(n__gt=1).exists()
    share_exited = exits.count() / enrollments.count()
    assert 0.5 < share_exited < 0.85
    moved_in = enrollments.filter(move_in_date__isnull=False)
    assert moved_in.exists()
    assert not moved_in.exclude(project__project_type__in=(3, 9, 10, 13)).exists()
    assert not moved_in.filter(move_in_date__lt=F("entry_date")).exists()
    assert not moved_in.filter(exits__exit_date__lt=F("move_in_date")).exists()
    assert not moved_in.filter(project__rrh_sub_type=1).exists()
    engaged = enrollments.filter(date_of_engagement__isnull=False)
    assert not engaged.filter(date_of_engagement__lt=F("entry_date")).exists()
    # Bed nights only in night-by-night shelters, during the stay.
    nights = hmis.Services.objects.filter(record_type=200)
    assert nights.exists()
    assert not nights.exclude(enrollment__project__project_type=1).exists()
    assert not nights.filter(date_provided__lt=F("enrollment__entry_date")).exists()
    assert not nights.filter(enrollment__exits__exit_date__lte=F("date_provided")).exists()
    # DateUpdated is never before DateCreated; an exit is not recorded before its enrollment.
    for model in (hmis.Client, hmis.Enrollment, hmis.Exit, hmis.IncomeBenefits, hmis.Project):
        assert not model.objects.filter(date_updated__lt=F("date_created")).exists()
    assert not exits.filter(date_created__lt=F("enrollment__date_created")).exists()
    assert not enrollments.filter(date_created__lt=F("client__date_created")).exists()
    # Income at entry on the entry date, at exit on the exit date.
    income = hmis.IncomeBenefits.objects
    assert not income.filter(data_collection_stage=1).exclude(
        information_date=F("enrollment__entry_date")
    )
    assert not income.filter(data_collection_stage=3).exclude(
        information_date=F("enrollment__exits__exit_date")
    )


def test_prior_living_situation(summary):
    homeless = hmis.Enrollment.objects.filter(living_situation__in=(101, 116, 118))
    assert homeless.exists()
    assert not homeless.filter(date_to_street_essh__gt=F("entry_date")).exists()
    assert homeless.filter(date_to_street_essh__isnull=False).exists()
    assert not homeless.filter(los_under_threshold__isnull=False).exists()
    subsidized = hmis.Enrollment.objects.filter(living_situation=435)
    assert not subsidized.filter(rental_subsidy_type__isnull=True).exists()
    # 3.917 is asked of heads of household and adults, not of children.
    children = hmis.Enrollment.objects.filter(relationship_to_hoh=2, client__dob__isnull=False)
    child = children.filter(client__dob__gt=F("entry_date") - dt.timedelta(days=18 * 365 - 10))
    assert not child.filter(living_situation__isnull=False).exists()


def test_ssn_never_in_an_issued_range(summary):
    for ssn, quality in hmis.Client.objects.values_list("ssn", "ssn_data_quality"):
        if quality == 1:
            assert re.fullmatch(r"9\d{8}", ssn), ssn  # area 900-999: never issued
        elif quality == 2:
            assert re.fullmatch(r"x{5}\d{4}", ssn), ssn  # partial: the last four digits
        else:
            assert quality in MISSING and ssn == ""


def test_race_and_veteran_fields(summary):
    for client in hmis.Client.objects.all():
        races = [getattr(client, name) for name in RACE_FIELDS]
        if client.race_none is not None:
            assert not any(races) and client.race_none in MISSING
        else:
            assert any(value == 1 for value in races)
        if client.veteran_status != 1:
            assert client.year_entered_service is None
            assert client.military_branch is None
            assert client.vietnam_war is None
        else:
            assert client.year_entered_service <= client.year_separated


def test_data_quality_gaps(summary):
    clients = hmis.Client.objects
    assert clients.filter(ssn_data_quality__in=MISSING).exists()
    assert clients.filter(ssn_data_quality=2).exists()
    gaps = (
        clients.filter(
            Q(name_data_quality__in=MISSING)
            | Q(dob_data_quality__in=MISSING)
            | Q(race_none__in=MISSING)
            | Q(veteran_status__in=MISSING)
            | Q(sex__in=MISSING)
        ).count()
        + hmis.Enrollment.objects.filter(disabling_condition__in=MISSING).count()
        + hmis.Exit.objects.filter(destination__in=(8, 9, 30, 99)).count()
    )
    assert gaps > 0
    assert not clients.filter(dob_data_quality__in=MISSING, dob__isnull=False).exists()
    assert not clients.filter(dob_data_quality__in=(1, 2), dob__isnull=True).exists()


def test_disabilities_one_row_per_type_per_stage(summary):
    rows = hmis.Disabilities.objects.values("enrollment", "data_collection_stage").annotate(
        n=Count("id"), types=Count("disability_type", distinct=True)
    )
    assert rows and all(row["n"] == 6 and row["types"] == 6 for row in rows)
    disabled = hmis.Enrollment.objects.filter(
        disabling_condition=1, disabilities__isnull=False
    ).distinct()
    for enrollment in disabled[:20]:
        entry_rows = enrollment.disabilities.filter(data_collection_stage=1)
        assert entry_rows.filter(
            Q(disability_type__in=(6, 8), disability_response=1) | Q(indefinite_and_impairs=1)
        ).exists()


def test_records_pass_full_clean(summary):
    for model in (
        hmis.Organization,
        hmis.HmisUser,
        hmis.Project,
        hmis.Funder,
        hmis.ProjectCoC,
        hmis.Inventory,
        hmis.HMISParticipation,
        hmis.CEParticipation,
        hmis.Client,
        hmis.Enrollment,
        hmis.Exit,
        hmis.IncomeBenefits,
        hmis.HealthAndDV,
        hmis.Disabilities,
        hmis.Services,
        hmis.CurrentLivingSituation,
        hmis.Assessment,
        hmis.AssessmentQuestions,
        hmis.AssessmentResults,
        hmis.Event,
    ):
        records = list(model.objects.order_by("?")[:6])
        assert records, model.__name__
        for record in records:
            record.full_clean()


def test_refuses_a_database_with_clients(summary):
    with pytest.raises(DemoDataError, match="already has 150 clients"):
        generate_demo_data(clients=10, seed=SEED, today=TODAY)
    # force=True adds more, with other HUD ids even for the same seed.
    more = generate_demo_data(clients=10, seed=SEED, today=TODAY, force=True)
    assert more.clients == 10
    assert hmis.Client.objects.count() == CLIENTS + 10
    assert hmis.Client.objects.values("personal_id").distinct().count() == CLIENTS + 10
    # New records after the load get the next primary keys.
    assert hmis.Client.objects.create(
        name_data_quality=99,
        ssn_data_quality=99,
        dob_data_quality=99,
        am_ind_ak_native=0,
        asian=0,
        black_af_american=0,
        hispanic_latinao=0,
        mid_east_n_african=0,
        native_hi_pacific=0,
        white=0,
        veteran_status=99,
    ).pk > max(hmis.Client.objects.exclude(first_name="").values_list("pk", flat=True))


def test_progress_is_reported():
    calls = []
    generate_demo_data(
        clients=30, seed=SEED, today=TODAY, progress=lambda d, t: calls.append((d, t))
    )
    assert calls and calls[-1] == (30, 30)


def test_foreign_keys_survive_the_bulk_load(monkeypatch):
    # PostgreSQL drops and re-adds the foreign keys for large loads; SQLite keeps them. Either
    # way the schema's foreign keys are the same afterwards and every row satisfies them.
    def foreign_keys():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE contype = 'f' "
                    "AND conrelid::regclass::text LIKE 'hmis_%%' ORDER BY 1, 2"
                )
                return cursor.fetchall()
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'hmis_%'"
            )
            tables = sorted(row[0] for row in cursor.fetchall())
            keys = []
            for table in tables:
                cursor.execute(f'PRAGMA foreign_key_list("{table}")')
                keys += [(table, *row[2:5]) for row in cursor.fetchall()]
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == [], "rows break a foreign key"
            return keys

    before = foreign_keys()
    assert before, "the HMIS tables have foreign keys"
    monkeypatch.setattr(demo, "FOREIGN_KEY_REBUILD_CLIENTS", 1)
    summary = generate_demo_data(clients=40, seed=SEED, today=TODAY)
    assert summary.clients == 40
    assert foreign_keys() == before
    assert (
        hmis.Exit.objects.filter(enrollment__client__isnull=False).count()
        == (summary.counts["Exit"])
    )


def test_command(capsys):
    out = StringIO()
    call_command("generate_demo_data", "--clients", "25", "--today", "2026-01-15", stdout=out)
    text = out.getvalue()
    assert "Client" in text and "clients/s" in text
    assert hmis.Client.objects.count() == 25
    out = StringIO()
    call_command("generate_demo_data", "--if-empty", stdout=out)
    assert "demo data already present" in out.getvalue()
    assert hmis.Client.objects.count() == 25
    with pytest.raises(CommandError, match="already has 25 clients"):
        call_command("generate_demo_data", "--clients", "5", stdout=StringIO())


def test_command_loads_missing_geography():
    from sunflower.geo.models import ContinuumOfCare, County, Region

    County.objects.all().delete()
    Region.objects.all().delete()
    ContinuumOfCare.objects.all().delete()
    out = StringIO()
    call_command("generate_demo_data", "--clients", "5", "--seed", "3", stdout=out)
    assert "Loaded the geography" in out.getvalue()
    assert County.objects.filter(coc__code="KS-507").count() == 101
