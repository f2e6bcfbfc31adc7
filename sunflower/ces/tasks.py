"""Celery tasks of Coordinated Entry. Beat runs `check_referral_deadlines` every 15 minutes
and `recompute_lists` daily (CELERY_BEAT_SCHEDULE in sunflower.settings); `sunflower
ces_deadlines` runs the first by hand."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sunflower.ces.check_referral_deadlines")
def check_referral_deadlines() -> dict[str, int]:
    """Remind agencies of referral decisions coming due and escalate passed deadlines."""
    from sunflower.ces.referrals import check_deadlines

    run = check_deadlines()
    return {"reminded": run.reminded, "escalated": run.escalated}


@shared_task(name="sunflower.ces.recompute_lists")
def recompute_lists() -> dict[str, int]:
    """Rank every region's list again once a day, so that households without contact for the
    rules' number of days become inactive even when nothing else changes the list."""
    from sunflower.ces.models import ListEntry
    from sunflower.ces.prioritization import recompute
    from sunflower.geo.models import Region

    inactivated = ranked = 0
    region_ids = ListEntry.objects.values_list("region_id", flat=True).distinct()
    for region in Region.objects.filter(pk__in=region_ids):
        result = recompute(region, "daily check for inactivity")
        inactivated += result.inactivated
        ranked += result.ranked
    return {"ranked": ranked, "inactivated": inactivated}
