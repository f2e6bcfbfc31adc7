from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "sunflower.helpdesk"
    verbose_name = "Help desk"
    default_auto_field = "django.db.models.BigAutoField"
