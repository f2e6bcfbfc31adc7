"""Celery tasks of Coordinated Entry. Beat runs `check_referral_deadlines` every 15 minutes
(CELERY_BEAT_SCHEDULE in sunflower.settings); `sunflower ces_deadlines` runs the same by hand."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="sunflower.ces.check_referral_deadlines")
def check_referral_deadlines() -> dict[str, int]:
    """Remind agencies of referral decisions coming due and escalate passed deadlines."""
    from sunflower.ces.referrals import check_deadlines

    run = check_deadlines()
    return {"reminded": run.reminded, "escalated": run.escalated}
