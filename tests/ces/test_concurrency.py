"""Two coordinators referring households to one opening at the same moment: exactly one
succeeds, the other gets ReferralConflict ("no longer available"). Proven on PostgreSQL with
real concurrent transactions: one thread per coordinator, each on its own connection
(sunflower.ces.referrals locks the opening row; the partial unique index
ces_referral_one_open_per_opening is the database's own guarantee behind it)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from sunflower.ces import referrals
from sunflower.ces.models import ListEntry, Referral
from sunflower.hmis import models as hmis

pytestmark = [pytest.mark.ces, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30  # seconds; a barrier or a join that waits longer means the test is broken


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between concurrent transactions need PostgreSQL")


@pytest.fixture
def second_coordinator(ces):
    from sunflower.accounts.models import DutyAssignment
    from sunflower.accounts.roles import Duty, Role
    from sunflower.accounts.testing import create_user_with_role

    user = create_user_with_role(
        "coordinator-2@example.org", Role.AGENCY_CES, "pw-long-enough-1", organization=ces.lead
    )
    DutyAssignment.objects.create(user=user, duty=Duty.CES_REGIONAL_COORDINATOR, region=ces.region)
    return user


def _two_households_and_an_opening(ces):
    first = ces.assess(ces.household()).entry
    second = ces.assess(ces.household()).entry
    return first, second, ces.opening()


def _events_of(*entries) -> int:
    return hmis.Event.objects.filter(enrollment_id__in=[e.enrollment_id for e in entries]).count()


class Outcome:
    """What one thread did: the referral it made or the error it got, and how long refer()
    took."""

    def __init__(self):
        self.referral: Referral | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.backend_pid: int | None = None


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a referring thread hung"


def _blockers_of(pid: int) -> list[int]:
    """The backends holding a lock the backend `pid` waits for (none when it does not wait)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_blocking_pids(%s)", [pid])
        return list(cursor.fetchone()[0])


def test_the_second_referral_waits_for_the_first_then_gets_a_clear_message(ces, second_coordinator):
    first, second, opening = _two_households_and_an_opening(ces)
    events_before = _events_of(first, second)
    start = threading.Barrier(2, timeout=TIMEOUT)
    a_referred = threading.Barrier(2, timeout=TIMEOUT)  # A holds its transaction open after this
    b_waiting = threading.Event()  # set by the main thread once B is seen blocked on A's lock
    a, b = Outcome(), Outcome()

    def coordinator_a():
        try:
            a.backend_pid = _backend_pid()
            start.wait()
            with transaction.atomic():
                began = time.perf_counter()
                a.referral = referrals.refer(ces.coordinator, opening.pk, first.pk)
                a.seconds = time.perf_counter() - began
                a_referred.wait()
                # Commit only once B is waiting on the opening's row lock.
                assert b_waiting.wait(TIMEOUT), "B never blocked on A's row lock"
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            a.error = error
            a_referred.abort()
        finally:
            connections.close_all()

    def coordinator_b():
        try:
            b.backend_pid = _backend_pid()
            start.wait()
            a_referred.wait()
            began = time.perf_counter()
            try:
                b.referral = referrals.refer(second_coordinator, opening.pk, second.pk)
            finally:
                b.seconds = time.perf_counter() - began
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            b.error = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=coordinator_a), threading.Thread(target=coordinator_b)]
    for thread in threads:
        thread.start()
    # B must end up waiting for A's backend (the opening row A locked); then A may commit.
    blocked_by: list[int] = []
    deadline = time.perf_counter() + TIMEOUT
    while time.perf_counter() < deadline and a.error is None and b.error is None:
        if b.backend_pid is not None and a.backend_pid is not None:
            blocked_by = _blockers_of(b.backend_pid)
            if a.backend_pid in blocked_by:
                break
        time.sleep(0.01)
    held = time.perf_counter()
    time.sleep(0.2)  # B keeps waiting while A's transaction stays open
    still_blocked = a.backend_pid in _blockers_of(b.backend_pid)
    b_waiting.set()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a referring thread hung"
    waited = time.perf_counter() - held

    assert a.error is None, f"A failed: {a.error!r}"
    assert a.referral is not None
    assert a.backend_pid in blocked_by, "B did not wait on A's lock"
    assert still_blocked
    assert b.seconds >= 0.2 and waited >= 0.2  # B was released only by A's commit
    assert isinstance(b.error, referrals.ReferralConflict), f"B got {b.error!r}"
    assert "no longer available" in str(b.error)
    assert b.referral is None
    assert list(Referral.objects.filter(opening=opening).values_list("entry_id", flat=True)) == [
        first.pk
    ]
    assert _events_of(first, second) == events_before + 1
    assert hmis.Event.objects.filter(enrollment_id=first.enrollment_id).count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ListEntry.Status.REFERRED
    assert second.status == ListEntry.Status.ACTIVE


def test_two_referrals_at_the_same_instant_always_one_wins(ces, second_coordinator):
    for round_number in range(5):
        first, second, opening = _two_households_and_an_opening(ces)
        events_before = _events_of(first, second)
        start = threading.Barrier(2, timeout=TIMEOUT)
        outcomes = {first.pk: Outcome(), second.pk: Outcome()}

        def coordinator(user, entry, outcome, opening=opening, start=start):
            try:
                _backend_pid()  # connect before the barrier, so both start level
                start.wait()
                outcome.referral = referrals.refer(user, opening.pk, entry.pk)
            except BaseException as error:  # noqa: BLE001 - checked below
                outcome.error = error
            finally:
                connections.close_all()

        _run(
            [
                threading.Thread(
                    target=coordinator, args=(ces.coordinator, first, outcomes[first.pk])
                ),
                threading.Thread(
                    target=coordinator, args=(second_coordinator, second, outcomes[second.pk])
                ),
            ]
        )

        won = [o for o in outcomes.values() if o.referral is not None]
        lost = [o for o in outcomes.values() if o.error is not None]
        assert len(won) == 1 and len(lost) == 1, (
            f"round {round_number}: {[(o.referral, o.error) for o in outcomes.values()]}"
        )
        assert isinstance(lost[0].error, referrals.ReferralConflict), repr(lost[0].error)
        assert "no longer available" in str(lost[0].error)
        assert Referral.objects.filter(opening=opening).count() == 1
        assert _events_of(first, second) == events_before + 1
        winner = Referral.objects.get(opening=opening)
        assert hmis.Event.objects.filter(enrollment_id=winner.entry.enrollment_id).count() == 1


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
