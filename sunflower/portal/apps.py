from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sunflower.portal"
    verbose_name = "HMIS Lead portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (the agreement cache follows its table)
