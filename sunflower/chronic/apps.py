from django.apps import AppConfig


class ChronicConfig(AppConfig):
    name = "sunflower.chronic"
    label = "chronic"
    verbose_name = "Homeless history and chronic status"
    default_auto_field = "django.db.models.BigAutoField"
