"""Sunflower: an open-source HMIS with built-in Coordinated Entry."""

from .celery import app as celery_app

__all__ = ["celery_app"]
