"""`sunflower bootstrap_demo`: what `make run` does after migrating.

Loads the Kansas geography, the demo data (only into an empty database) and the demo logins,
then prints the logins. Safe to run again: a second run changes nothing but the printout.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sunflower.accounts.demo import DEMO_PASSWORD, ensure_demo_logins
from sunflower.ces.demo import load_ces_demo
from sunflower.portal.demo import load_portal_demo
from sunflower.training.demo import load_training_demo
from sunflower.training.practice import set_up_environment


class Command(BaseCommand):
    help = "Load geography, demo data (if the database is empty) and one demo login per role."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=2000)

    def handle(self, *args, clients: int, **options):
        if settings.PRODUCTION:
            raise CommandError("bootstrap_demo never runs in production.")
        call_command("load_geography", stdout=self.stdout)
        call_command("generate_demo_data", clients=clients, if_empty=True, stdout=self.stdout)
        logins = ensure_demo_logins()
        self.stdout.write(load_ces_demo().line())
        users = [_user(login.email) for login, _agency in logins]
        self.stdout.write(load_portal_demo(users).line())
        self.stdout.write(
            f"Training: {load_training_demo(users)} courses, passed by the demo logins."
        )
        from sunflower.datarequests.demo import load as load_data_request_demo

        team = [u for u in users if u.email.startswith("hmis-admin@")]
        requests = load_data_request_demo(team[0] if team else None)
        self.stdout.write(f"Data requests: {len(requests)} sample requests.")
        from sunflower.outreach.demo import load as load_outreach_demo

        outreach = [u for u in users if u.email.startswith("outreach@")]
        self.stdout.write(load_outreach_demo(outreach[0] if outreach else None).line())
        # The practice test's training environment: its own database, synthetic data only.
        self.stdout.write(set_up_environment(clients=300).line())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for login, agency in logins:
            duty = f" + {login.duty.label}" if login.duty else ""
            self.stdout.write(f"  {login.email:<40} {login.role.label}{duty} - {agency}")


def _user(email: str):
    from sunflower.accounts.models import User

    return User.objects.get(email=email)
