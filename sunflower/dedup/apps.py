from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "sunflower.dedup"
    label = "dedup"
    verbose_name = "Client matching"
