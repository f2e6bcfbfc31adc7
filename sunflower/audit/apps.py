from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sunflower.audit"
    label = "audit"

    def ready(self) -> None:
        from sunflower.audit import registry, signals  # noqa: F401  (connect receivers)

        registry.register_models()
