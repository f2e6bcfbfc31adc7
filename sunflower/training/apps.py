from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "sunflower.training"
    verbose_name = "Training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sunflower.portal.actions import ONBOARDING_REQUIREMENTS

        from .actions import training_blockers
        from .practice import practice_blockers

        # An account is switched on only when its required trainings and the practice test
        # are passed too.
        for requirement in (training_blockers, practice_blockers):
            if requirement not in ONBOARDING_REQUIREMENTS:
                ONBOARDING_REQUIREMENTS.append(requirement)
