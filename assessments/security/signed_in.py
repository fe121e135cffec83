"""The type of a request past LoginRequiredMiddleware: its user is one of our users,
never AnonymousUser. For the type checker only; views annotate `request` with it."""

from django.http import HttpRequest

from ..models import User


class SignedInRequest(HttpRequest):
    user: User
