"""CES intake: an access point meets a household that is not in HMIS yet and enters the head
of household with an enrollment in the CoC's Coordinated Entry project, in one step.

The role table gives Access Points "CES records only" and no bare client records
(docs/access-control.md, "Creating a client"): a client entered here is a CES record from its
first save, because it is saved with its CE enrollment in one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sunflower.accounts.policy import CE_PROJECT_TYPE, Action, require

HEAD_OF_HOUSEHOLD = 1


def ce_projects(user):
    """The Coordinated Entry projects the user may enroll households in."""
    from sunflower.accounts.policy import visible_projects

    return visible_projects(user, Action.EDIT_HMIS_DATA).filter(
        project_type=CE_PROJECT_TYPE, operating_end_date__isnull=True
    ).order_by("project_name")


@transaction.atomic
def start_ces_household(user, ce_project, client_values: dict, entry_date: dt.date,
                        enrollment_coc: str = ""):
    """Create the client and its CE enrollment (head of household). Raises PermissionDenied
    or ValidationError, saving nothing."""
    from sunflower.accounts.actions import hmis_user_for
    from sunflower.hmis.intake import enrollment_coc_choices, save_new_enrollment
    from sunflower.hmis.models import Client

    if ce_project.project_type != CE_PROJECT_TYPE:
        raise ValidationError({"ce_project": ["Choose a Coordinated Entry project."]})
    require(user, Action.CES_ASSESS_AND_REFER, ce_project)
    require(user, Action.EDIT_HMIS_DATA, ce_project)
    errors: dict[str, list[str]] = {}
    if entry_date is None or entry_date > timezone.localdate():
        errors["entry_date"] = ["The CE project start cannot be empty or in the future."]
    cocs = enrollment_coc_choices(ce_project)
    enrollment_coc = enrollment_coc or (cocs[0] if len(cocs) == 1 else "")
    if not enrollment_coc:
        errors["enrollment_coc"] = ["Choose the CoC the household is enrolled in."]
    if errors:
        raise ValidationError(errors)
    hmis_user = hmis_user_for(user)
    client = Client(**client_values)
    client.full_clean()
    client.user = hmis_user
    client.save()
    enrollment = save_new_enrollment(
        client, ce_project, entry_date, uuid.uuid4().hex, HEAD_OF_HOUSEHOLD, enrollment_coc,
        hmis_user,
    )
    return enrollment
