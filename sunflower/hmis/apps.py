from django.apps import AppConfig


class HmisConfig(AppConfig):
    name = "sunflower.hmis"
    label = "hmis"
