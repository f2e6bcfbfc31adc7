"""Sample data requests for the demo (call ``load()`` from the demo bootstrap): one waiting
for KHRC, one with the Oversight Committee after KHRC approved it. Idempotent."""

from __future__ import annotations

import datetime as dt

from .models import DataRequest

SAMPLES = [
    {
        "requester_name": "Dana Researcher",
        "requester_email": "dana.researcher@university.example",
        "requester_organization": "Kansas State University",
        "title": "Shelter use by age group, 2024",
        "purpose": "A study of emergency shelter use by age group across the Balance of State.",
        "data_wanted": "People served by project type and age group; exits by destination.",
        "period_start": dt.date(2024, 1, 1),
        "period_end": dt.date(2024, 12, 31),
        "intended_use": "A peer-reviewed article with aggregate tables only.",
        "retention_plan": "Encrypted university server; destroyed two years after publication.",
    },
    {
        "requester_name": "Sam Planner",
        "requester_email": "sam.planner@county.example",
        "requester_organization": "Sedgwick County Planning",
        "title": "Veterans housed, 2024-2025",
        "purpose": "Plan the county's veteran housing programs.",
        "data_wanted": "Veterans served by project type and exit destination.",
        "period_start": dt.date(2024, 7, 1),
        "period_end": dt.date(2025, 6, 30),
        "intended_use": "An internal planning report to the county commission.",
        "retention_plan": "County network drive, deleted after one year.",
    },
]


def load(team_user=None) -> list[DataRequest]:
    """The sample requests (made once). With ``team_user`` (an HMIS administrator), KHRC's
    approval of the second is recorded, so it waits for the committee."""
    from . import actions
    from .models import Body

    made = []
    for fields in SAMPLES:
        existing = DataRequest.objects.filter(title=fields["title"]).first()
        made.append(existing or actions.submit_request(language="en", **fields))
    second = made[1]
    if team_user is not None and second.status == DataRequest.Status.SUBMITTED:
        actions.record_decision(
            second, team_user, Body.KHRC, "approve", "Within the HMIS data policy."
        )
    return made
