"""The practice test: real tasks done in the training environment, checked automatically.

The trainee's record of the test (PracticeAttempt) is in the live database; their work is in
the training database, done by a practice account made for the attempt. Checking reads the
training database from the live side (``training_database()``), which may read it; nothing in
the training environment can reach the live database (environment.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunflower.accounts.policy import ROLE_TABLE, Action, Scope
from sunflower.accounts.roles import Role

from .environment import TRAINING_DB, training_database
from .models import PracticeAttempt

ENTRY_SALT = "sunflower.training.practice-entry"
ENTRY_MAX_AGE = 60 * 60  # seconds: the link from the live site into the practice site
TRAINING_DOMAIN = "training.invalid"  # synthetic accounts' addresses: mail to them goes nowhere
TRAINING_ADMIN_EMAIL = f"environment-admin@{TRAINING_DOMAIN}"
TRAINING_AGENCY_NAME = "Sunflower Training Agency"
CE_PROJECT_TYPE = 14


class TrainingEnvironmentNotReady(RuntimeError):
    """The training database has not been set up (``sunflower training-environment``)."""


@dataclass(frozen=True)
class PracticeTask:
    key: str
    title: str
    how: str
    action: Action
    # Scopes of the action under which the task applies to a role.
    scopes: frozenset[Scope]
    done: Callable[[object], bool]  # given the practice account, in the training database

    def applies_to(self, role: str) -> bool:
        return ROLE_TABLE[self.action][Role(role)] in self.scopes


def _created_a_client(account) -> bool:
    from sunflower.hmis.models import Client

    return (
        account.hmis_user_id is not None
        and Client.objects.filter(user_id=account.hmis_user_id).exists()
    )


def _enrolled_someone(account) -> bool:
    from sunflower.hmis.models import Enrollment

    return (
        account.hmis_user_id is not None
        and Enrollment.objects.filter(user_id=account.hmis_user_id)
        .exclude(project__project_type=CE_PROJECT_TYPE)
        .exists()
    )


def _assessed_a_household(account) -> bool:
    from sunflower.ces.models import CesAssessment

    return CesAssessment.objects.filter(assessed_by=account).exists()


ANYWHERE = frozenset({Scope.OWN_AGENCY, Scope.ALL})
PRACTICE_TASKS = (
    PracticeTask(
        "create_client",
        gettext_lazy("Create a client"),
        gettext_lazy("Search for the person first; when nobody matches, add them as a client."),
        Action.CREATE_CLIENT,
        ANYWHERE,
        _created_a_client,
    ),
    PracticeTask(
        "enroll",
        gettext_lazy("Enroll a client in a project"),
        gettext_lazy("Enroll a household in one of your agency's projects and save the intake."),
        Action.EDIT_HMIS_DATA,
        ANYWHERE,
        _enrolled_someone,
    ),
    PracticeTask(
        "ces_assessment",
        gettext_lazy("Complete a CES assessment"),
        gettext_lazy("Enter a household in Coordinated Entry and complete its housing assessment."),
        Action.CES_ASSESS_AND_REFER,
        frozenset({Scope.CES_RECORDS, Scope.OWN_AGENCY, Scope.ALL}),
        _assessed_a_household,
    ),
)


def tasks_for(role: str) -> list[PracticeTask]:
    return [task for task in PRACTICE_TASKS if task.applies_to(role)]


def practice_role(user) -> str | None:
    """The role the trainee practises: their first role that has practice tasks."""
    from .actions import roles_held

    roles = sorted(roles_held(user))
    return next((role for role in roles if tasks_for(role)), None)


def passed(user) -> bool:
    return PracticeAttempt.objects.filter(user=user, passed_at__isnull=False).exists()


def practice_blockers(user) -> list[str]:
    """The onboarding requirement (portal.actions): the practice test passed, for roles that
    enter client data."""
    if practice_role(user) is None or passed(user):
        return []
    return [_("Pass the practice test in the training environment.")]


# --- Entering the practice site -------------------------------------------------------------


def start_attempt(user) -> tuple[PracticeAttempt, str]:
    """A new attempt (or the open one) and the signed token that lets its trainee in."""
    role = practice_role(user)
    if role is None:
        raise ValueError("this account has no role that takes the practice test")
    attempt = PracticeAttempt.objects.filter(
        user=user, passed_at__isnull=True, role=role
    ).first() or PracticeAttempt.objects.create(
        user=user, role=role, practice_username=f"practice-{secrets.token_hex(6)}"
    )
    token = signing.dumps({"u": attempt.practice_username, "r": attempt.role}, salt=ENTRY_SALT)
    return attempt, token


def read_entry_token(token: str) -> dict:
    """The attempt's practice user name and role (no personal data: the token is in a URL);
    signing.BadSignature if forged or out of date."""
    return signing.loads(token, salt=ENTRY_SALT, max_age=ENTRY_MAX_AGE)


def practice_account(entry: dict):
    """In the training database: the practice account of an entry token, made on first use,
    with the trainee's role at the training agency."""
    from sunflower.accounts.actions import grant_role
    from sunflower.accounts.models import User

    agency = training_agency()
    with transaction.atomic():
        account, made = User.objects.get_or_create(
            email=f"{entry['u']}@{TRAINING_DOMAIN}",
            defaults={"first_name": "Trainee", "last_name": "Practice"},
        )
        if made:
            account.set_unusable_password()
            account.save(update_fields=["password"])
            grant_role(account, agency, Role(entry["r"]))
    return account


def training_agency():
    from sunflower.hmis.models import Organization

    agency = Organization.objects.filter(organization_name=TRAINING_AGENCY_NAME).first()
    if agency is None:
        raise TrainingEnvironmentNotReady
    return agency


# --- Checking -------------------------------------------------------------------------------


def task_states(account, role: str) -> dict[str, bool]:
    """{task key: done?} for the practice account; call inside the training environment."""
    return {task.key: bool(task.done(account)) for task in tasks_for(role)}


def check_attempt(attempt: PracticeAttempt) -> PracticeAttempt:
    """Read the trainee's work from the training database and record the result here; a pass
    may complete onboarding."""
    from sunflower.accounts.models import User
    from sunflower.portal.actions import activate_if_ready

    with training_database():
        account = User.objects.filter(
            email=f"{attempt.practice_username}@{TRAINING_DOMAIN}"
        ).first()
        states = (
            task_states(account, attempt.role)
            if account is not None
            else {task.key: False for task in tasks_for(attempt.role)}
        )
    attempt.tasks = states
    attempt.checked_at = timezone.now()
    if states and all(states.values()) and attempt.passed_at is None:
        attempt.passed_at = attempt.checked_at
    attempt.save(update_fields=["tasks", "checked_at", "passed_at"])
    if attempt.passed_at is not None:
        activate_if_ready(attempt.user)
    return attempt


# --- Setting the environment up -------------------------------------------------------------


@dataclass(frozen=True)
class EnvironmentSummary:
    clients: int
    projects: int
    access_points: int
    created: bool

    def line(self) -> str:
        state = "set up" if self.created else "already set up"
        return (
            f"Training environment {state}: {self.clients} synthetic clients, "
            f"{self.projects} projects, {self.access_points} CES access points."
        )


def set_up_environment(clients: int = 300, reset: bool = False) -> EnvironmentSummary:
    """Migrate the training database and fill it with synthetic data only: the demo generator's
    Kansas agencies and clients, CES access points, and the training agency trainees join."""
    from django.core.management import call_command

    call_command("migrate", database=TRAINING_DB, interactive=False, verbosity=0)
    if reset:
        call_command("flush", database=TRAINING_DB, interactive=False, verbosity=0)
    return fill_environment(clients)


def fill_environment(clients: int = 300) -> EnvironmentSummary:
    """Fill a migrated training database (once: a second call changes nothing)."""
    with training_database():
        return _fill(clients)


def _fill(clients: int) -> EnvironmentSummary:
    from sunflower.ces.demo import load_ces_demo
    from sunflower.ces.models import AccessPoint
    from sunflower.geo.loading import load_kansas_geography
    from sunflower.hmis.demo import generate_demo_data
    from sunflower.hmis.models import Client, Organization, Project

    created = not Organization.objects.filter(organization_name=TRAINING_AGENCY_NAME).exists()
    if created:
        load_kansas_geography()
        if not Client.all_objects.exists():
            generate_demo_data(clients=clients)
        admin = _environment_admin()
        load_ces_demo(admin=admin)
        _training_agency_projects(admin)
    return EnvironmentSummary(
        clients=Client.objects.count(),
        projects=Project.objects.count(),
        access_points=AccessPoint.objects.count(),
        created=created,
    )


def _environment_admin():
    """The training environment's own administrator: it designates access points and owns
    the training agency's set-up. It has no password: nobody signs in as it."""
    from sunflower.accounts.actions import grant_role
    from sunflower.accounts.demo import LEAD_NAME
    from sunflower.accounts.models import User
    from sunflower.hmis.models import Organization

    admin, made = User.objects.get_or_create(
        email=TRAINING_ADMIN_EMAIL,
        defaults={"first_name": "Training", "last_name": "Environment"},
    )
    if made:
        admin.set_unusable_password()
        admin.save(update_fields=["password"])
    lead = (
        Organization.objects.filter(organization_name=LEAD_NAME).first()
        or Organization.objects.order_by("id").first()
    )
    grant_role(admin, lead, Role.HMIS_ADMIN)
    return admin


def _training_agency_projects(admin) -> None:
    """The agency every practice account belongs to: an emergency shelter to enroll in and a
    Coordinated Entry project that is a CES access point for the Balance of State."""
    from sunflower.ces import access_points
    from sunflower.ces.models import AccessPoint
    from sunflower.geo.models import ContinuumOfCare
    from sunflower.hmis.models import Organization, Project, ProjectCoC

    coc = ContinuumOfCare.objects.filter(code="KS-507").first() or ContinuumOfCare.objects.first()
    county = coc.counties.order_by("fips5").first()
    start = timezone.localdate().replace(month=1, day=1)
    agency = Organization.objects.create(
        organization_name=TRAINING_AGENCY_NAME, victim_service_provider=0
    )
    for name, project_type in (
        ("Training Emergency Shelter", 0),
        ("Training Coordinated Entry", CE_PROJECT_TYPE),
    ):
        project = Project.objects.create(
            organization=agency,
            project_name=name,
            project_type=project_type,
            operating_start_date=start,
            continuum_project=1,
        )
        # The balance-of-county geocode, as the demo generator writes it.
        geocode = f"{county.fips5[:2]}9{county.fips5[2:]}"
        ProjectCoC.objects.create(project=project, coc_code=coc.code, geocode=geocode)
        if project_type == CE_PROJECT_TYPE:
            access_points.designate(
                admin,
                project,
                "Training access point",
                AccessPoint.Mode.REMOTE,
                coc,
                None,
                [],
                ["crisis", "housing"],
                start,
            )
