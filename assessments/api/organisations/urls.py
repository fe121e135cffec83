"""/api/v1/organisations/...: URLs of the organisation API."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
