"""/api/v1/me/...: a person's own record."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
