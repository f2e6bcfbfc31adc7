from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "sunflower.geo"
    label = "geo"
