"""Street outreach demo data (call ``load(worker)`` from the demo bootstrap): a few weeks of
contacts around Kansas towns by the demo outreach worker's agency, some with clients of its
street outreach projects, and three encampments with visits. Synthetic: places are town
centres moved at random by a few hundred metres. Recorded through the actions, so every rule
(county from the point, 4.12 records, audit) applies. Idempotent: nothing if contacts exist."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sunflower.outreach import actions

# Town centres (latitude, longitude) where Kansas outreach teams work.
TOWNS = [
    (37.6872, -97.3301),  # Wichita, Sedgwick
    (39.0473, -95.6752),  # Topeka, Shawnee
    (37.9717, -100.8727),  # Garden City, Finney
    (37.7528, -100.0171),  # Dodge City, Ford
    (38.8403, -97.6114),  # Salina, Saline
    (38.0608, -97.9298),  # Hutchinson, Reno
    (39.1836, -96.5717),  # Manhattan, Riley
    (38.9717, -95.2353),  # Lawrence, Douglas
    (37.4109, -94.7050),  # Pittsburg, Crawford
    (38.8792, -99.3268),  # Hays, Ellis
    (38.4039, -96.1817),  # Emporia, Lyon
    (37.0437, -100.9210),  # Liberal, Seward
]
ENCAMPMENTS = [
    ("Arkansas River underpass", (37.6790, -97.3450), "active", 9),
    ("Kansas Avenue bridge", (39.0630, -95.6760), "active", 5),
    ("Rail yard tree line", (37.9650, -100.8600), "inactive", 0),
]
SITUATIONS = [116, 116, 116, 118, 101]  # mostly a place not meant for habitation
SERVICE_SETS = [["food"], ["food", "hygiene"], ["clothing"], ["ces_referral"], ["conversation"]]
DESCRIPTIONS = [
    "Older man with a grey beard, camps alone",
    "Young woman with a bicycle",
    "Couple with a small dog",
    "Man in a wheelchair near the bus station",
    "Two men sharing a tent",
]


@dataclass
class Loaded:
    contacts: int
    encampments: int

    def line(self) -> str:
        return f"Street outreach: {self.contacts} contacts, {self.encampments} encampments."


def load(worker, contacts: int = 90, days: int = 45, seed: int = 2026) -> Loaded:
    from sunflower.outreach.models import OutreachContact

    if worker is None or OutreachContact.objects.exists():
        return Loaded(0, 0)
    projects = list(actions.outreach_projects(worker))
    if not projects:
        return Loaded(0, 0)
    rng = random.Random(seed)
    enrollments = list(actions.open_outreach_enrollments(worker)[:40])
    now = timezone.now()
    made = 0
    for _ in range(contacts):
        town = rng.choice(TOWNS)
        at = now - dt.timedelta(days=rng.uniform(0, days), hours=rng.uniform(0, 3))
        enrollment = rng.choice(enrollments) if enrollments and rng.random() < 0.4 else None
        if enrollment is not None and enrollment.entry_date > timezone.localdate(at):
            enrollment = None
        entry = {
            "client_uuid": uuid.uuid4(),
            "project": enrollment.project if enrollment else rng.choice(projects),
            "enrollment": enrollment,
            "person_description": "" if enrollment else rng.choice(DESCRIPTIONS),
            "contacted_at": at,
            "current_living_situation": rng.choice(SITUATIONS),
            "services_given": rng.choice(SERVICE_SETS),
            "engaged": False,
            "latitude": round(town[0] + rng.uniform(-0.02, 0.02), 6),
            "longitude": round(town[1] + rng.uniform(-0.02, 0.02), 6),
            "accuracy_m": rng.randint(5, 40),
            "location_source": "gps",
            "location_details": "",
        }
        try:
            actions.record_contact(worker, entry)
        except (ValidationError, PermissionDenied):
            continue  # a point that fell outside Kansas, a date before the enrollment
        made += 1
    sites = 0
    organization = projects[0].organization
    for name, (lat, lng), status, people in ENCAMPMENTS:
        try:
            site = actions.create_encampment(
                worker,
                {
                    "name": name,
                    "geometry": {"type": "Point", "coordinates": [lng, lat]},
                    "status": "active",
                    "estimated_people": people + 2,
                    "notes": "",
                    "organization": organization,
                },
            )
        except (ValidationError, PermissionDenied):
            continue
        actions.record_visit(
            worker,
            site,
            {
                "visited_at": now - dt.timedelta(days=rng.randint(1, 10)),
                "status": status,
                "estimated_people": people,
                "notes": "",
            },
        )
        sites += 1
    return Loaded(made, sites)
