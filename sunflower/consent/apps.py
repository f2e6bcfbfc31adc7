from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "sunflower.consent"
    label = "consent"
    verbose_name = "Consent and sharing"
    default_auto_field = "django.db.models.BigAutoField"
