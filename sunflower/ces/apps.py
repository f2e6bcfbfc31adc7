from django.apps import AppConfig


class CesConfig(AppConfig):
    name = "sunflower.ces"
    label = "ces"
    verbose_name = "Coordinated Entry"
    default_auto_field = "django.db.models.BigAutoField"
