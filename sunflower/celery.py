"""Celery application. Without REDIS_URL, tasks run eagerly in the calling process."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunflower.settings")


class SunflowerTask(Task):
    def apply_async(self, args=None, kwargs=None, **options):
        from sunflower.training.environment import in_training_environment

        if in_training_environment():
            # A worker would run it against the live database: run it here, on the training one.
            return self.apply(args, kwargs, **options)
        return super().apply_async(args, kwargs, **options)


app = Celery("sunflower", task_cls=SunflowerTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
