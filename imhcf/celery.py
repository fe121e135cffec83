"""The Celery application: background work (assessments/tasks/) on the broker the
settings name (CELERY_* in imhcf/settings.py). Workers and the scheduler start with
`celery -A imhcf worker` and `celery -A imhcf beat` (docs/deploy.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhcf.settings")

app = Celery("imhcf")
app.config_from_object("django.conf:settings", namespace="CELERY")
