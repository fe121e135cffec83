# The Celery application is loaded with Django, so `@shared_task`s bind to it and a
# task queued from a request goes to the configured broker (imhcf/celery.py).
from .celery import app as celery_app

__all__ = ("celery_app",)
