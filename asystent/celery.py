"""The Celery app: tasks go to Redis when REDIS_URL is set and run in-process otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asystent.settings")

app = Celery("asystent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
