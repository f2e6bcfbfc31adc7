"""Small builders of valid HUD records, for tests and for the training environment's fixtures.

Each builder fills the fields HUD requires with plain valid values and takes overrides.
"""

from __future__ import annotations

import datetime as dt
import itertools

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def make_organization(**fields):
    from sunflower.hmis.models import Organization

    values = {"organization_name": f"Test Agency {_n()}", "victim_service_provider": 0}
    values.update(fields)
    return Organization.objects.create(**values)


def make_project(organization=None, project_type: int = 0, **fields):
    from sunflower.hmis.models import Project

    values = {
        "organization": organization or make_organization(),
        "project_name": f"Test Project {_n()}",
        "operating_start_date": dt.date(2020, 1, 1),
        "continuum_project": 1,
        "project_type": project_type,
    }
    values.update(fields)
    return Project.objects.create(**values)


def make_client(**fields):
    from sunflower.hmis.models import Client

    number = _n()
    values = {
        "first_name": f"Test{number}",
        "last_name": f"Person{number}",
        "name_data_quality": 1,
        "ssn_data_quality": 99,
        "dob": dt.date(1980, 1, 1),
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
    values.update(fields)
    return Client.objects.create(**values)


def make_enrollment(client=None, project=None, entry_date=dt.date(2025, 1, 15), **fields):
    from sunflower.hmis.models import Enrollment

    enrollment_client = client or make_client()
    values = {
        "client": enrollment_client,
        "project": project or make_project(),
        "entry_date": entry_date,
        "household_id": f"hh{_n()}",
        "relationship_to_hoh": 1,
        "enrollment_coc": "KS-507",
        "disabling_condition": 0,
    }
    values.update(fields)
    return Enrollment.objects.create(**values)


def make_assessment(enrollment, **fields):
    from sunflower.hmis.models import Assessment

    values = {
        "enrollment": enrollment,
        "client": enrollment.client,
        "assessment_date": enrollment.entry_date,
        "assessment_location": "Phone",
        "assessment_type": 1,
        "assessment_level": 1,
        "prioritization_status": 1,
    }
    values.update(fields)
    return Assessment.objects.create(**values)
