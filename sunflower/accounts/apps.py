from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sunflower.accounts"
    label = "accounts"
