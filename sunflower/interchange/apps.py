from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "sunflower.interchange"
    label = "interchange"
    verbose_name = "HMIS CSV interchange"
