from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sunflower.core"
    label = "core"
