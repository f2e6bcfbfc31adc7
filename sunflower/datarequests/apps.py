from django.apps import AppConfig


class DataRequestsConfig(AppConfig):
    name = "sunflower.datarequests"
    verbose_name = "Data requests"
    default_auto_field = "django.db.models.BigAutoField"
