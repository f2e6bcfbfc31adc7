from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sunflower.accounts"
    label = "accounts"

    def ready(self) -> None:
        from sunflower.accounts import signals  # noqa: F401  (connect receivers)
