"""`sunflower ces_deadlines`: remind agencies of CES referral decisions coming due and escalate
passed deadlines to the CE lead, once (Celery beat runs the same every 15 minutes)."""

from django.core.management.base import BaseCommand

from sunflower.ces.referrals import check_deadlines


class Command(BaseCommand):
    help = "Send CES referral deadline reminders and escalations (idempotent)."

    def handle(self, *args, **options):
        run = check_deadlines()
        self.stdout.write(f"Reminders sent: {run.reminded}")
        self.stdout.write(f"Escalations sent: {run.escalated}")
