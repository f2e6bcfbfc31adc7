from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sunflower.audit"
    label = "audit"
