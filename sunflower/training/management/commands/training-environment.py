"""`sunflower training-environment`: migrate and fill the training database (synthetic only)."""

from django.core.management.base import BaseCommand

from sunflower.training.practice import set_up_environment


class Command(BaseCommand):
    help = (
        "Migrate the training environment's database and fill it with synthetic data (Kansas "
        "agencies, clients and CES access points, and the agency trainees practise in). Safe to "
        "run again; --reset empties it first. Never copies anything from the live database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=300, help="Synthetic clients (300).")
        parser.add_argument(
            "--reset", action="store_true", help="Empty the training database first."
        )

    def handle(self, *args, clients: int, reset: bool, **options):
        self.stdout.write(set_up_environment(clients=clients, reset=reset).line())
