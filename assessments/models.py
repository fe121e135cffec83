"""People who self-assess. The custom user exists from the first migration so
that job role and target level can live on it without a painful switch later."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: practitioner, manager or admin."""

    class Meta:
        db_table = "assessments_user"
