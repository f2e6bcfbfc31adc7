"""The training environment: a database of its own, synthetic data only, which nothing in a
practice request can read or write past; and the practice test checked from the live side."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from sunflower.accounts.models import User
from sunflower.accounts.roles import Role
from sunflower.accounts.testing import create_user_with_role
from sunflower.hmis.models import Client, Enrollment
from sunflower.hmis.testing import make_client, make_organization
from sunflower.training import practice
from sunflower.training.environment import (
    TRAINING_DB,
    LiveDatabaseUnreachable,
    in_training_environment,
    training_database,
)
from sunflower.training.models import PracticeAttempt

pytestmark = [
    pytest.mark.portal,
    pytest.mark.security,
    pytest.mark.django_db(databases=[DEFAULT_DB_ALIAS, TRAINING_DB]),
]

PASSWORD = "Sunflower-test-password-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLIENT_VALUES = {
    "first_name": "Practice",
    "last_name": "Person",
    "name_data_quality": 1,
    "ssn_data_quality": 99,
    "dob": dt.date(1990, 3, 4),
    "dob_data_quality": 1,
    "am_ind_ak_native": 0,
    "asian": 0,
    "black_af_american": 0,
    "hispanic_latinao": 0,
    "mid_east_n_african": 0,
    "native_hi_pacific": 0,
    "white": 1,
    "veteran_status": 0,
}


@pytest.fixture
def environment():
    return practice.fill_environment(clients=12)


@pytest.fixture
def live_secret():
    """A live client whose name must never show in the training environment."""
    return make_client(first_name="Livia", last_name="Confidential")


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)


def test_the_settings_give_the_training_environment_a_database_of_its_own():
    live, training = connections[DEFAULT_DB_ALIAS], connections[TRAINING_DB]
    assert training.settings_dict["NAME"] != live.settings_dict["NAME"]


def test_queries_inside_the_training_environment_reach_only_its_database(live_secret):
    with training_database():
        assert in_training_environment()
        assert not Client.objects.filter(last_name="Confidential").exists()
        assert not Client.all_objects.using(DEFAULT_DB_ALIAS).filter(pk=live_secret.pk,
                                                                     last_name="Confidential")
        with transaction.atomic():  # the default alias's transaction is the training one
            assert connection.settings_dict["NAME"] == connections[TRAINING_DB].settings_dict["NAME"]
            Client.objects.create(**CLIENT_VALUES)
    assert not in_training_environment()
    assert not Client.objects.filter(last_name="Person").exists()
    assert Client.objects.using(TRAINING_DB).filter(last_name="Person").count() == 1
    assert Client.objects.filter(last_name="Confidential").count() == 1


def test_the_live_connection_refuses_every_query_from_inside():
    live = connections[DEFAULT_DB_ALIAS]
    with training_database():
        with pytest.raises(LiveDatabaseUnreachable), live.cursor() as cursor:
            cursor.execute("SELECT 1")
        with pytest.raises(LiveDatabaseUnreachable), live.cursor() as cursor:
            cursor.execute("UPDATE hmis_client SET first_name = 'x'")
    with live.cursor() as cursor:  # and it works again once outside
        cursor.execute("SELECT 1")


def test_cache_keys_of_the_two_environments_never_meet():
    cache.set("sunflower-test-key", "live")
    with training_database():
        assert cache.get("sunflower-test-key") is None
        cache.set("sunflower-test-key", "training")
    assert cache.get("sunflower-test-key") == "live"


def test_background_work_from_the_training_environment_runs_here_not_on_a_worker(settings):
    """A worker would run the task against the live database; so it runs in-process, on the
    training database, even when tasks normally go to the broker."""
    from sunflower.celery import app
    from sunflower.ces.tasks import recompute_lists

    app.conf.task_always_eager = False
    try:
        with training_database():
            result = recompute_lists.delay()
        assert result.successful()  # an EagerResult: it ran here
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


def test_filling_the_environment_makes_synthetic_data_only_and_is_repeatable(
    environment, live_secret
):
    live_clients = Client.objects.count()
    assert environment.created
    assert environment.clients == 12 and environment.access_points >= 1
    again = practice.fill_environment(clients=12)
    assert not again.created and again.clients == 12
    assert Client.objects.count() == live_clients  # nothing written to the live database
    training_names = set(
        Client.objects.using(TRAINING_DB).values_list("last_name", flat=True)
    )
    assert "Confidential" not in training_names
    # No account in the training database can sign in with a password.
    assert not any(user.has_usable_password() for user in User.objects.using(TRAINING_DB).all())


def trainee(role=Role.AGENCY_CES):
    agency = make_organization(organization_name="Prairie Hope")
    user = create_user_with_role("new@prairie.example", role, PASSWORD, agency)
    return user


def test_roles_that_enter_client_data_take_the_practice_test_with_their_own_tasks():
    assert [t.key for t in practice.tasks_for(Role.AGENCY_CES)] == [
        "create_client", "enroll", "ces_assessment"
    ]
    # An access point creates clients only through CES intake.
    assert [t.key for t in practice.tasks_for(Role.ACCESS_POINT)] == ["ces_assessment"]
    assert practice.tasks_for(Role.VICTIM_SERVICE_PROVIDER) == []
    vsp = create_user_with_role(
        "vsp@safe.example", Role.VICTIM_SERVICE_PROVIDER, PASSWORD,
        make_organization(organization_name="Safe", victim_service_provider=1),
    )
    assert practice.practice_blockers(vsp) == []
    assert practice.practice_blockers(trainee()) == [
        "Pass the practice test in the training environment."
    ]


def test_a_whole_practice_session_never_queries_the_live_database(
    client, environment, live_secret, settings, tmp_path
):
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {**storage, "OPTIONS": {"location": str(tmp_path / "live")}},
        "training_documents": {**storage, "OPTIONS": {"location": str(tmp_path / "training")}},
    }
    user = trainee()
    client.force_login(user)
    live_session = client.cookies["sessionid"].value
    counts = (Client.objects.count(), User.objects.count(), Session.objects.count())

    response = client.post(reverse("training:practice_start"))
    enter_url = response["Location"]
    assert enter_url.startswith("/practice/training/practice/enter/")
    assert "new@prairie" not in enter_url  # no personal data in the link

    counter = QueryCounter()
    with connections[DEFAULT_DB_ALIAS].execute_wrapper(counter):
        response = client.get(enter_url)
        assert response.status_code == 302 and response["Location"] == "/practice/"
        home = client.get("/practice/")
        assert home.status_code == 200
        assert b'data-testid="practice-banner"' in home.content
        search = client.get("/practice/clients/", {"q": "Confidential"})
        assert b"Livia" not in search.content
        created = client.post(
            "/practice/clients/new/",
            {**_client_form(), "confirmed_no_match": "1"},
        )
        assert created.status_code == 302, created.content[:2000]
        assert created["Location"].startswith("/practice/")
        # A document the trainee attaches is stored with the training environment's files.
        practice_client = Client.objects.using(TRAINING_DB).get(last_name="Person")
        attached = client.post(
            "/practice" + reverse("document_attach", args=[practice_client.pk]),
            {
                "kind": "release_of_information",
                "title": "Practice ROI",
                "file": SimpleUploadedFile("roi.pdf", PDF, content_type="application/pdf"),
            },
        )
        assert attached.status_code == 302, attached.content[:2000]
        download = client.get(
            "/practice" + reverse("document_download", args=[practice_client.documents.get().pk])
        )
        assert b"".join(download.streaming_content) == PDF
    assert counter.statements == []
    stored = [path for path in (tmp_path / "training").rglob("*") if path.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert not (tmp_path / "live").exists()  # nothing reached the live documents

    # The practice account, its session and its client are all in the training database.
    assert (Client.objects.count(), User.objects.count(), Session.objects.count()) == counts
    assert Client.objects.using(TRAINING_DB).filter(last_name="Person").exists()
    assert client.cookies["sessionid"].value == live_session
    assert client.cookies["practice_sessionid"]["path"] == "/practice/"
    # The live session still works and is still the trainee's.
    page = client.get(reverse("training:practice"))
    assert page.status_code == 200 and page.context["learner"] == user


def _client_form():
    return {
        "first_name": "Practice",
        "middle_name": "",
        "last_name": "Person",
        "name_suffix": "",
        "name_data_quality": "1",
        "ssn": "",
        "ssn_data_quality": "99",
        "dob": "1990-03-04",
        "dob_data_quality": "1",
        "sex": "0",
        "white": "on",
        "race_none": "",
        "additional_race_ethnicity": "",
        "veteran_status": "0",
    }


def test_practice_only_and_live_only_pages_stay_on_their_side(client, environment):
    user = trainee()
    client.force_login(user)
    _attempt, token = practice.start_attempt(user)
    # The entry link does nothing on the live site (it would make an account there).
    assert client.get(reverse("training:practice_enter", args=[token])).status_code == 404
    assert client.get("/practice" + reverse("training:practice")).status_code in (302, 404)
    forged = client.get("/practice" + reverse("training:practice_enter", args=["x" + token]))
    assert forged.status_code == 400


def test_the_check_reads_the_trainees_work_and_switches_the_account_on(environment):
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.ces.assessments import ensure_default_tools
    from sunflower.ces.intake import start_ces_household
    from sunflower.ces.models import AccessPoint, AssessmentTool
    from sunflower.ces.testing import HOUSING_ANSWERS, sign_agreement
    from sunflower.hmis.actions import create_client
    from sunflower.hmis.intake import MemberInput, enroll_household
    from sunflower.hmis.models import Project
    from sunflower.portal.models import AccessRequest

    user = trainee()
    user.is_active = False
    user.save()
    agency = user.memberships.get().organization
    AccessRequest.objects.create(
        first_name="New", last_name="User", email=user.email, organization=agency,
        requested_role=Role.AGENCY_CES, supervisor_name="Sam", supervisor_email="s@p.example",
        account=user, status=AccessRequest.Status.APPROVED,
    )
    attempt, token = practice.start_attempt(user)
    entry = practice.read_entry_token(token)

    attempt = practice.check_attempt(attempt)
    assert attempt.tasks == {"create_client": False, "enroll": False, "ces_assessment": False}
    assert attempt.passed_at is None

    with training_database():
        account = practice.practice_account(entry)
        made = create_client(account, CLIENT_VALUES)
        shelter = Project.objects.get(project_name="Training Emergency Shelter")
        enroll_household(account, shelter, [MemberInput(made, 1)], timezone.localdate())
    attempt = practice.check_attempt(attempt)
    assert attempt.tasks == {"create_client": True, "enroll": True, "ces_assessment": False}
    assert attempt.passed_at is None
    user.refresh_from_db()
    assert not user.is_active

    with training_database():
        account = User.objects.get(pk=account.pk)
        sign_agreement(account)
        ce = Project.objects.get(project_name="Training Coordinated Entry")
        enrollment = start_ces_household(
            account, ce, {**CLIENT_VALUES, "first_name": "Second"}, timezone.localdate()
        )
        point = AccessPoint.objects.get(project=ce)
        ensure_default_tools()
        version = AssessmentTool.objects.get(slug="housing-needs").published_version()
        from sunflower.ces.assessments import assess

        assess(
            account, tool_version=version, answers=HOUSING_ANSWERS,
            assessment_date=timezone.localdate(), assessment_type=3,
            region=point.coc.regions.order_by("number").first(), access_point=point,
            enrollment=enrollment,
        )
        assert hmis_user_for(account).pk
    attempt = practice.check_attempt(attempt)
    assert all(attempt.tasks.values()) and attempt.passed_at is not None
    assert practice.practice_blockers(user) == []
    user.refresh_from_db()
    assert user.is_active  # nothing else blocked it: no courses, no agreement in force
    assert PracticeAttempt.objects.get(pk=attempt.pk).passed_at is not None
    # Nothing of the trainee's work is in the live database.
    assert not Client.objects.filter(last_name="Person").exists()
    assert not Enrollment.objects.filter(client__last_name="Person").exists()
    assert re.fullmatch(r"practice-[0-9a-f]{12}", attempt.practice_username)


def test_content_types_looked_up_inside_never_serve_the_live_site():
    """Django caches content types per database alias; inside, rows are filed under the
    training alias, so a training row's id is never used for a live audit entry."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    with training_database():
        ContentType.objects.get_for_model(Client)
    assert set(ContentType.objects._cache) == {TRAINING_DB}
    ContentType.objects.get_for_model(Client)
    assert set(ContentType.objects._cache) == {TRAINING_DB, DEFAULT_DB_ALIAS}
