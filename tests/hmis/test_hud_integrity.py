"""The database refuses what HUD's rules forbid; clean() explains it; soft delete hides records.

Every refusal runs inside transaction.atomic() so the test's transaction survives it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sunflower.hmis import models as hmis
from sunflower.hmis import vocabulary as hud

pytestmark = [pytest.mark.foundation, pytest.mark.django_db]

ENTRY = dt.date(2025, 10, 1)
BEFORE_ENTRY = dt.date(2025, 9, 30)
AFTER_ENTRY = dt.date(2025, 11, 1)


def refused(callable_, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# --- the native data source and HUD identifiers ----------------------------------------------


def test_native_data_source_has_pk_1():
    native = hmis.DataSource.native()
    assert native.pk == hmis.NATIVE_DATA_SOURCE_ID == 1
    assert native.name == "Sunflower" and native.is_native


def test_only_one_native_data_source():
    refused(hmis.DataSource.objects.create, name="Another", is_native=True)


def test_native_records_get_a_hud_id_and_the_native_source(native):
    client = native.client()
    assert re.fullmatch(r"[0-9a-f]{32}", client.personal_id)
    assert client.data_source_id == 1 and client.is_native
    plain = hmis.Organization.objects.create(organization_name="X", victim_service_provider=0)
    assert plain.data_source_id == hmis.NATIVE_DATA_SOURCE_ID


def test_hud_id_unique_per_data_source(native, imported):
    native.client(personal_id="A1")
    imported.client(personal_id="A1")  # another source may use the same identifier
    refused(native.client, personal_id="A1")


def test_clean_reports_a_duplicate_hud_id_even_if_deleted(native):
    first = native.client(personal_id="A2")
    first.soft_delete()
    duplicate = hmis.Client(**{**_client_values(first), "personal_id": "A2"})
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists" in messages(error.value, "personal_id")


def _client_values(client):
    return {
        f.name: getattr(client, f.name)
        for f in hmis.Client._meta.concrete_fields
        if f.name not in {"id", "user", "export", "data_source", "date_deleted"}
    } | {"data_source": client.data_source}


# --- exit not before entry (trigger) ---------------------------------------------------------


def test_db_refuses_exit_before_entry(native):
    enrollment = native.enrollment(entry_date=ENTRY)
    refused(native.exit, enrollment, exit_date=BEFORE_ENTRY)
    native.exit(enrollment, exit_date=ENTRY)  # same day is fine


def test_db_refuses_moving_an_exit_before_entry(native):
    exit_ = native.exit(native.enrollment(entry_date=ENTRY), exit_date=AFTER_ENTRY)
    refused(hmis.Exit.objects.filter(pk=exit_.pk).update, exit_date=BEFORE_ENTRY)


def test_db_refuses_moving_entry_after_an_existing_exit(native):
    enrollment = native.enrollment(entry_date=ENTRY)
    native.exit(enrollment, exit_date=AFTER_ENTRY)
    enrollment.entry_date = AFTER_ENTRY + dt.timedelta(days=1)
    refused(enrollment.save)
    refused(
        hmis.Enrollment.objects.filter(pk=enrollment.pk).update,
        entry_date=AFTER_ENTRY + dt.timedelta(days=1),
    )
    hmis.Enrollment.objects.filter(pk=enrollment.pk).update(entry_date=AFTER_ENTRY)  # equal: ok


def test_deleted_exit_does_not_hold_the_entry_date(native):
    enrollment = native.enrollment(entry_date=ENTRY)
    native.exit(enrollment, exit_date=AFTER_ENTRY).soft_delete()
    enrollment.entry_date = AFTER_ENTRY + dt.timedelta(days=5)
    enrollment.save()


def test_imported_exit_before_entry_is_refused_too(imported):
    refused(imported.exit, imported.enrollment(entry_date=ENTRY), exit_date=BEFORE_ENTRY)


def test_clean_explains_exit_before_entry(native):
    enrollment = native.enrollment(entry_date=ENTRY)
    exit_ = hmis.Exit(
        enrollment=enrollment,
        client=enrollment.client,
        exit_date=BEFORE_ENTRY,
        destination=hud.Destination.DECEASED,
    )
    with pytest.raises(ValidationError) as error:
        exit_.full_clean()
    assert "before the entry date 2025-10-01" in messages(error.value, "exit_date")


def test_clean_explains_entry_after_exit(native):
    enrollment = native.enrollment(entry_date=ENTRY)
    native.exit(enrollment, exit_date=AFTER_ENTRY)
    enrollment.entry_date = AFTER_ENTRY + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        enrollment.full_clean()
    assert "after the exit date" in messages(error.value, "entry_date")


# --- one exit per enrollment -----------------------------------------------------------------


def test_db_refuses_two_exits_for_one_enrollment(native):
    enrollment = native.enrollment()
    first = native.exit(enrollment)
    refused(native.exit, enrollment)
    first.soft_delete()
    native.exit(enrollment)  # a deleted exit does not count
    assert enrollment.exit is not None and enrollment.exit.pk != first.pk


def test_clean_explains_a_second_exit(native):
    enrollment = native.enrollment()
    native.exit(enrollment)
    second = hmis.Exit(
        enrollment=enrollment,
        client=enrollment.client,
        exit_date=AFTER_ENTRY,
        destination=hud.Destination.DECEASED,
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "already has an exit" in messages(error.value, "enrollment")
    assert len(error.value.messages) == 1  # the constraint does not repeat it


# --- one head of household (native records only) ---------------------------------------------


def test_db_refuses_two_heads_in_a_native_household(native):
    project = native.project()
    native.enrollment(project=project, household_id="H1")
    refused(native.enrollment, project=project, household_id="H1")
    native.enrollment(
        project=project,
        household_id="H1",
        relationship_to_hoh=hud.RelationshipToHoH.HEAD_OF_HOUSEHOLDS_CHILD,
    )


def test_db_accepts_two_heads_in_an_imported_household(imported):
    project = imported.project()
    imported.enrollment(project=project, household_id="H1")
    imported.enrollment(project=project, household_id="H1")
    assert hmis.Enrollment.objects.filter(household_id="H1", relationship_to_hoh=1).count() == 2


def test_deleted_head_does_not_count(native):
    project = native.project()
    native.enrollment(project=project, household_id="H2").soft_delete()
    native.enrollment(project=project, household_id="H2")


def test_clean_explains_two_heads_for_native_records_only(native, imported):
    head = native.enrollment(household_id="H3")
    second = hmis.Enrollment(
        client=native.client(),
        project=head.project,
        entry_date=ENTRY,
        household_id="H3",
        relationship_to_hoh=hud.RelationshipToHoH.SELF,
        enrollment_coc="XX-501",
        disabling_condition=0,
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "already has a head of household" in messages(error.value, "relationship_to_hoh")
    assert len(error.value.messages) == 1

    imported_head = imported.enrollment(household_id="H3")
    imported_second = hmis.Enrollment(
        data_source=imported.data_source,
        client=imported.client(),
        project=imported_head.project,
        entry_date=ENTRY,
        household_id="H3",
        relationship_to_hoh=hud.RelationshipToHoH.SELF,
        enrollment_coc="XX-501",
        disabling_condition=0,
    )
    imported_second.full_clean()


def test_clean_move_in_before_entry_native_only(native, imported):
    enrollment = native.enrollment(entry_date=ENTRY)
    enrollment.move_in_date = BEFORE_ENTRY
    with pytest.raises(ValidationError) as error:
        enrollment.full_clean()
    assert "move-in date" in messages(error.value, "move_in_date")
    kit = imported.enrollment(entry_date=ENTRY, move_in_date=BEFORE_ENTRY)  # the DB keeps it
    kit.full_clean()


# --- valid codes ----------------------------------------------------------------------------


def test_db_refuses_an_invalid_code(native):
    project = native.project()
    refused(hmis.Project.objects.filter(pk=project.pk).update, project_type=99)
    refused(native.project, project_type=42)
    hmis.Project.objects.filter(pk=project.pk).update(project_type=None)  # nullable column


def test_db_refuses_an_invalid_code_in_a_required_column(native):
    client = native.client()
    refused(hmis.Client.objects.filter(pk=client.pk).update, veteran_status=7)


def test_db_refuses_an_invalid_text_code(native):
    enrollment = native.enrollment(vamc_station="589A7")
    refused(hmis.Enrollment.objects.filter(pk=enrollment.pk).update, vamc_station="XXXXX")
    hmis.Enrollment.objects.filter(pk=enrollment.pk).update(vamc_station="")


def test_clean_explains_an_invalid_code(native):
    project = native.project()
    project.project_type = 99
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "project_type" in error.value.message_dict
    assert len(error.value.messages) == 1


def test_db_refuses_negative_non_negative_money(native):
    enrollment = native.enrollment()
    refused(
        hmis.IncomeBenefits.objects.create,
        enrollment=enrollment,
        client=enrollment.client,
        information_date=ENTRY,
        data_collection_stage=hud.DataCollectionStage.PROJECT_ENTRY,
        earned_amount=Decimal("-1.00"),
    )


def test_services_money_may_be_negative(native):
    enrollment = native.enrollment()
    hmis.Services.objects.create(
        enrollment=enrollment,
        client=enrollment.client,
        date_provided=ENTRY,
        record_type=152,
        type_provided=1,
        fa_amount=Decimal("-25.00"),  # M, not M+: a refund
    )


# --- conditional lists (clean only) ----------------------------------------------------------


def test_clean_checks_type_provided_by_record_type(native):
    enrollment = native.enrollment()
    service = hmis.Services(
        enrollment=enrollment,
        client=enrollment.client,
        date_provided=ENTRY,
        record_type=200,
        type_provided=200,
    )
    service.full_clean()
    service.type_provided = 1
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "BedNight" in messages(error.value, "type_provided")


def test_clean_checks_sub_type_provided(native):
    enrollment = native.enrollment()
    service = hmis.Services(
        enrollment=enrollment,
        client=enrollment.client,
        date_provided=ENTRY,
        record_type=144,
        type_provided=3,
        sub_type_provided=4,
    )
    service.full_clean()
    service.sub_type_provided = 40
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "SSVFSubType3" in messages(error.value, "sub_type_provided")
    service.type_provided, service.sub_type_provided = 1, 1
    with pytest.raises(ValidationError):
        service.full_clean()


def test_clean_checks_disability_response_by_type(native):
    enrollment = native.enrollment()
    disability = hmis.Disabilities(
        enrollment=enrollment,
        client=enrollment.client,
        information_date=ENTRY,
        disability_type=10,
        disability_response=3,  # both alcohol and drug use disorders
        data_collection_stage=1,
    )
    disability.full_clean()
    disability.disability_type = 5
    with pytest.raises(ValidationError) as error:
        disability.full_clean()
    assert "NoYesReasonsForMissingData" in messages(error.value, "disability_response")


# --- date ranges ----------------------------------------------------------------------------


def test_db_refuses_end_before_start(native):
    project = native.project(operating_start_date=dt.date(2024, 1, 1))
    refused(
        hmis.Project.objects.filter(pk=project.pk).update,
        operating_end_date=dt.date(2023, 12, 31),
    )
    refused(
        hmis.Inventory.objects.create,
        project=project,
        coc_code="XX-501",
        household_type=1,
        unit_inventory=1,
        bed_inventory=1,
        inventory_start_date=dt.date(2024, 1, 1),
        inventory_end_date=dt.date(2023, 1, 1),
    )
    refused(
        hmis.Funder.objects.create,
        project=project,
        funder=2,
        grant_id="G",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2023, 1, 1),
    )
    project.operating_end_date = dt.date(2023, 12, 31)
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "before the start date" in messages(error.value, "operating_end_date")


def test_clean_checks_parents_belong_together(native, imported):
    enrollment = native.enrollment()
    other_client = native.client()
    exit_ = hmis.Exit(
        enrollment=enrollment, client=other_client, exit_date=AFTER_ENTRY, destination=24
    )
    with pytest.raises(ValidationError) as error:
        exit_.full_clean()
    assert "not the client of the enrollment" in messages(error.value, "client")
    foreign = hmis.Enrollment(
        data_source=imported.data_source,
        client=native.client(),
        project=imported.project(),
        entry_date=ENTRY,
        household_id="H9",
        relationship_to_hoh=1,
        enrollment_coc="XX-501",
        disabling_condition=0,
    )
    with pytest.raises(ValidationError) as error:
        foreign.full_clean()
    assert "another data source" in messages(error.value, "client")


# --- soft delete and managers ----------------------------------------------------------------


def test_objects_hides_a_deleted_client_and_all_objects_shows_it(native):
    client = native.client()
    client.soft_delete()
    assert client.is_deleted
    assert not hmis.Client.objects.filter(pk=client.pk).exists()
    assert hmis.Client.all_objects.filter(pk=client.pk).exists()
    assert hmis.Client.all_objects.deleted().filter(pk=client.pk).exists()
    client.restore()
    assert hmis.Client.objects.filter(pk=client.pk).exists()


def test_related_lookups_reach_a_deleted_parent(native):
    enrollment = native.enrollment()
    enrollment.client.soft_delete()
    enrollment = hmis.Enrollment.objects.get(pk=enrollment.pk)
    assert enrollment.client.is_deleted  # forward lookups use the base manager (all_objects)
    enrollment.client.first_name = "Changed"
    enrollment.client.save()  # saving a deleted record still updates it
    assert hmis.Client.all_objects.get(pk=enrollment.client_id).first_name == "Changed"


def test_reverse_relations_hide_deleted_children(native):
    enrollment = native.enrollment()
    native.exit(enrollment).soft_delete()
    assert enrollment.exits.count() == 0
    assert enrollment.exit is None
    assert hmis.Exit.all_objects.filter(enrollment=enrollment).count() == 1


def test_queryset_soft_delete(native):
    native.client()
    native.client()
    assert hmis.Client.objects.all().soft_delete() == 2
    assert hmis.Client.objects.count() == 0


def test_save_touches_date_updated_unless_told_not_to(native):
    client = native.client()
    old = timezone.now() - dt.timedelta(days=30)
    client.date_updated = old
    client.save(touch=False)
    assert hmis.Client.objects.get(pk=client.pk).date_updated == old
    client.save()
    assert hmis.Client.objects.get(pk=client.pk).date_updated > old
    client.soft_delete()
    assert client.date_updated >= client.date_deleted


def test_hard_delete_of_a_parent_is_protected(native):
    enrollment = native.enrollment()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        hmis.Client.all_objects.filter(pk=enrollment.client_id).delete()
