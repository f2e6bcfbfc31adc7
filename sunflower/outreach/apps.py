from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "sunflower.outreach"
    verbose_name = "Street outreach"
    default_auto_field = "django.db.models.BigAutoField"
