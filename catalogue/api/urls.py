"""The public part of /api/v1/: the framework, the courses, the OpenAPI description and
its Swagger UI page (imhcf/api_urls.py puts the API together). Every view here is
public, so each is marked `login_not_required` (LoginRequiredMiddleware denies by
default)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views

urlpatterns = [
    path("framework/", login_not_required(views.FrameworkView.as_view()), name="framework"),
    path(
        "framework/case/",
        login_not_required(views.FrameworkCaseView.as_view()),
        name="framework_case",
    ),
    path("courses/", login_not_required(views.CourseList.as_view()), name="course_list"),
    path(
        "courses/<slug:slug>/",
        login_not_required(views.CourseDetail.as_view()),
        name="course_detail",
    ),
    path(
        "schema/",
        login_not_required(SpectacularAPIView.as_view(permission_classes=[AllowAny])),
        name="schema",
    ),
    # Swagger UI with its start-up script in a file of its own (the "split" view): the
    # CSP allows no inline script.
    path(
        "docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", permission_classes=[AllowAny]
            )
        ),
        name="docs",
    ),
]
