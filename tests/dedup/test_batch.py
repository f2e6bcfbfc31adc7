"""The batch duplicate matcher (sunflower/dedup/batch.py, docs/merge.md "Batch matcher")."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from sunflower.accounts.roles import Role
from sunflower.dedup import batch
from sunflower.dedup.actions import mark_not_duplicate
from sunflower.dedup.models import BatchRun, DuplicateCandidate
from sunflower.hmis.testing import make_client

pytestmark = [pytest.mark.casemgmt, pytest.mark.django_db]

FIRST = [
    "Alice",
    "Brandon",
    "Carmen",
    "Dmitri",
    "Esperanza",
    "Fatima",
    "Gustavo",
    "Harriet",
    "Ignatius",
    "Jolene",
    "Kwame",
    "Lucinda",
    "Marisol",
    "Nathaniel",
    "Octavia",
    "Percival",
    "Quentin",
    "Rosalind",
    "Soledad",
    "Thaddeus",
    "Ursula",
    "Valentina",
    "Winifred",
    "Ximena",
    "Yolanda",
    "Zebulon",
    "Robert",
    "Elizabeth",
    "William",
    "Margaret",
]
LAST = [
    "Abernathy",
    "Blackwood",
    "Castellanos",
    "Dunleavy",
    "Echeverria",
    "Fairweather",
    "Galloway",
    "Hargreaves",
    "Iturbide",
    "Jablonski",
    "Kowalczyk",
    "Lindqvist",
    "Montgomery",
    "Nakamura",
    "Oyelaran",
    "Pemberton",
    "Quintanilla",
    "Rasmussen",
    "Szczepanski",
    "Thibodeaux",
    "Underwood",
    "Villanueva",
    "Whitaker",
    "Xiong",
    "Yamamoto",
    "Zamora",
]
NICKNAME = {"Robert": "Bob", "Elizabeth": "Liz", "William": "Bill", "Margaret": "Peggy"}


def _ssn(rng: random.Random) -> str:
    return (
        f"{rng.randrange(100, 600):03d}{rng.randrange(10, 99):02d}{rng.randrange(1000, 9999):04d}"
    )


def _slip(kind: str, person: dict, rng: random.Random) -> dict:
    copy = dict(person)
    if kind == "typo":
        name = copy["last_name"]
        i = rng.randrange(2, len(name) - 1)
        copy["last_name"] = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    elif kind == "swapped":
        copy["first_name"], copy["last_name"] = copy["last_name"], copy["first_name"]
    elif kind == "nickname":
        copy["first_name"] = NICKNAME.get(copy["first_name"], copy["first_name"])
    elif kind == "dob_day_month":
        dob = copy["dob"]
        copy["dob"] = dob.replace(month=dob.day, day=dob.month)
    elif kind == "no_ssn":
        copy["ssn"], copy["ssn_data_quality"] = "", 99
    elif kind == "ssn_typo":
        ssn = copy["ssn"]
        copy["ssn"] = ssn[:4] + str((int(ssn[4]) + 1) % 10) + ssn[5:]
    return copy


@pytest.fixture
def people():
    """120 different people (every first/last name combination distinct, DOBs spread over 60
    years), 30 of them entered a second time with one intake slip. Returns (true pairs as
    sorted pk tuples, pks of everyone)."""
    rng = random.Random(7)
    combos = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(combos)
    kinds = ["typo", "swapped", "nickname", "dob_day_month", "no_ssn", "ssn_typo"]
    true_pairs, pks = set(), []
    for n, (first, last) in enumerate(combos[:120]):
        kind = kinds[n % len(kinds)]
        if n < 30 and kind == "nickname":
            first = rng.choice(sorted(NICKNAME))
        person = {
            "first_name": first,
            "last_name": last,
            # day <= 12 so that day and month can be swapped
            "dob": dt.date(1950 + rng.randrange(60), rng.randrange(1, 13), rng.randrange(1, 13)),
            "ssn": _ssn(rng),
            "ssn_data_quality": 1,
            "sex": rng.randrange(2),
        }
        original = make_client(**person)
        pks.append(original.pk)
        if n < 30:
            duplicate = make_client(**_slip(kind, person, rng))
            pks.append(duplicate.pk)
            true_pairs.add(tuple(sorted((original.pk, duplicate.pk))))
    return true_pairs, pks


def _pairs():
    return {
        (c.client_a_id, c.client_b_id)
        for c in DuplicateCandidate.objects.filter(found_by=DuplicateCandidate.FoundBy.BATCH)
    }


def test_command_finds_the_true_pairs_and_only_them(people):
    true_pairs, _ = people
    assert len(true_pairs) >= 25
    call_command("find_duplicates")
    found = _pairs()
    recall = len(found & true_pairs) / len(true_pairs)
    assert recall >= 0.95, sorted(true_pairs - found)
    assert found <= true_pairs  # clearly different people are never paired
    for candidate in DuplicateCandidate.objects.all():
        assert candidate.status == DuplicateCandidate.Status.OPEN
        assert batch.DEFAULT_THRESHOLD <= candidate.score <= 1
        assert candidate.reasons and all(isinstance(r, str) for r in candidate.reasons)
    run = BatchRun.objects.get()
    assert run.status == BatchRun.Status.SUCCEEDED
    assert run.clients == len(people[1])
    assert run.candidates_found == run.candidates_new == len(found)
    assert run.pairs_compared >= len(found)
    assert run.finished is not None


def test_reasons_name_what_agreed(people):
    call_command("find_duplicates")
    reasons = [r for c in DuplicateCandidate.objects.all() for r in c.reasons]
    assert batch.REASON_NAME_SWAPPED in reasons
    assert batch.REASON_FIRST_NAME_NICKNAME in reasons
    assert batch.REASON_DOB_DAY_MONTH in reasons
    assert batch.REASON_SSN_ONE_DIGIT in reasons
    assert batch.REASON_SSN in reasons


def test_rerun_is_idempotent(people):
    call_command("find_duplicates")
    before = {c.pk: (c.score, c.reasons) for c in DuplicateCandidate.objects.all()}
    entries = LogEntry.objects.count()
    call_command("find_duplicates")
    after = {c.pk: (c.score, c.reasons) for c in DuplicateCandidate.objects.all()}
    assert after == before
    assert LogEntry.objects.count() == entries  # nothing was saved again
    second = BatchRun.objects.first()
    assert (second.candidates_new, second.candidates_updated) == (0, 0)


def test_open_candidate_is_updated_decided_one_is_not_reopened(people, world):
    admin = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)
    true_pairs, pks = people
    call_command("find_duplicates")
    first, second = DuplicateCandidate.objects.filter(client_a_id__in=pks)[:2]
    mark_not_duplicate(admin, first)
    second.score, second.reasons = 0.5, ["old"]
    second.save()
    call_command("find_duplicates")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DuplicateCandidate.Status.NOT_DUPLICATE
    assert second.reasons != ["old"] and second.score >= batch.DEFAULT_THRESHOLD
    run = BatchRun.objects.first()
    assert run.candidates_skipped >= 1 and run.candidates_updated == 1


def test_dry_run_writes_nothing(people, capsys):
    call_command("find_duplicates", "--dry-run")
    assert not DuplicateCandidate.objects.exists()
    assert not BatchRun.objects.exists()
    out = capsys.readouterr().out
    assert "dry run" in out and "candidates=" in out
    assert "candidates=0 " not in out


def test_deleted_clients_are_left_out(people):
    true_pairs, _ = people
    a, b = sorted(true_pairs)[0]
    from sunflower.hmis.models import Client

    Client.objects.get(pk=b).soft_delete()
    call_command("find_duplicates")
    assert (a, b) not in _pairs()
    assert not DuplicateCandidate.objects.filter(client_b_id=b).exists()
    assert not DuplicateCandidate.objects.filter(client_a_id=b).exists()


def test_threshold_option(people):
    call_command("find_duplicates", "--threshold", "0.999999")
    strict = _pairs()
    DuplicateCandidate.objects.all().delete()
    call_command("find_duplicates", "--threshold", "0.5")
    assert strict < _pairs()


def test_unknown_values_do_not_count():
    con = duckdb.connect()
    con.execute(
        "create table raw as select * from (values "
        "(1, 'José-Luis', 'O''Brien', date '1980-02-03', 1, '000123456', 1, 8), "
        "(2, 'Bob', 'Smith', date '1980-02-03', 99, 'xxxxx1234', 2, 1)) "
        "t(id, first_name, last_name, dob, dob_data_quality, ssn, ssn_data_quality, sex)"
    )
    batch.prepare_clients(con, "raw")
    rows = con.execute(
        "select id, first_name, last_name, first_name_group, dob, ssn, ssn_last4, sex "
        "from dedup_input order by id"
    ).fetchall()
    assert rows[0] == (1, "joseluis", "obrien", "joseluis", dt.date(1980, 2, 3), None, "3456", None)
    assert rows[1] == (2, "bob", "smith", "robert", None, None, "1234", 1)


def test_nickname_file_maps_each_name_once():
    names = [name for name, _ in batch.nicknames()]
    assert len(names) == len(set(names)) > 200
    groups = dict(batch.nicknames())
    assert groups["bill"] == groups["guillermo"] == "william"
    assert groups["pepe"] == groups["joe"]


# --- the queue page button -------------------------------------------------------------------


def test_only_hmis_admins_start_a_run(client, world):
    url = reverse("dedup:start_batch")
    for user in (
        world.user_with(Role.AGENCY_ADMIN, organization=world.own_agency),
        world.user_with(Role.VICTIM_SERVICE_PROVIDER, organization=world.own_agency),
    ):
        client.force_login(user)
        assert client.post(url).status_code == 403
    assert not BatchRun.objects.exists()


def test_admin_starts_a_run_and_sees_its_figures(
    client, world, people, django_capture_on_commit_callbacks
):
    admin = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)
    client.force_login(admin)
    assert client.get(reverse("dedup:start_batch")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dedup:start_batch"))
    assert response.status_code == 302
    run = BatchRun.objects.get()
    assert run.status == BatchRun.Status.SUCCEEDED and run.started_by == admin
    assert run.candidates_new >= 25
    page = client.get(reverse("dedup:queue")).content.decode()
    assert 'data-testid="last-batch-run"' in page
    assert str(run.pairs_compared) in page and str(run.candidates_found) in page


def test_a_second_run_is_refused_while_one_is_running(client, world):
    admin = world.user_with(Role.HMIS_ADMIN, organization=world.lead_agency)
    BatchRun.objects.create(threshold=0.9, status=BatchRun.Status.RUNNING)
    client.force_login(admin)
    client.post(reverse("dedup:start_batch"))
    assert BatchRun.objects.count() == 1
