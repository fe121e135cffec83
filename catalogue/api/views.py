"""The public API's views: GET only, open to anyone (AllowAny, `login_not_required` in
urls.py), each over the QuerySet method its page uses, so its query count is pinned.
The framework and course answers are kept in the cache like the catalogue's pages
(page_cache.kept_data): a second call costs no query until the catalogue changes."""

import json

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# The one download helper (name, type, no-store, nosniff); it imports only Django and
# openpyxl, so the catalogue stays below every feature.
from assessments import downloads

from ..case.export import file_name, framework_package
from ..completeness import framework_completeness
from ..models import LEVELS, Competency, Course, Domain, Framework, Level, Wording
from ..page_cache import kept_data
from .serializers import CourseDetailSerializer, CourseSerializer, FrameworkSerializer

# Open to anyone and the same for everyone: no sign-in is read, so the description shows
# no padlock or "Authorize" for them and a POST meets 405, not a CSRF check.
PUBLIC: list = []


class FrameworkView(APIView):
    """The framework as this site holds it: levels, domains, their competencies with the wording at
    each level, and how much of the wording this site has. Six queries whatever its size."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC

    @extend_schema(responses=FrameworkSerializer, operation_id="framework")
    def get(self, request: Request) -> Response:
        return Response(kept_data(request, self.framework_data))

    def framework_data(self) -> dict:
        framework = Framework.objects.get()
        competencies = Competency.objects.prefetch_related(
            Prefetch("wordings", queryset=Wording.objects.order_by("level"))
        )
        domains = Domain.objects.with_counts().prefetch_related(
            Prefetch("competencies", queryset=competencies)
        )
        data = {
            "name": framework.name,
            "publisher": framework.publisher,
            "published_year": framework.published_year,
            "wording_notice": framework.wording_notice,
            "completeness": framework_completeness(framework),
            "levels": Level.objects.all(),
            "domains": domains,
        }
        serializer = FrameworkSerializer(data, context={"levels": LEVELS})
        return serializer.data


class FrameworkCaseView(APIView):
    """The framework as a 1EdTech CASE 1.0 package, a download. Five queries whatever
    its size (catalogue/case/export.py)."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC

    @extend_schema(
        operation_id="framework_case",
        summary="The framework as a CASE 1.0 package",
        description="The framework as this site holds it, in the 1EdTech CASE 1.0 format "
        "(Competencies and Academic Standards Exchange) that other competency tools "
        "read: its levels, domains and competencies, and the wording this site has, each "
        "part marked as the framework's own words or our summary. The wording belongs "
        "to the framework's publishers; the document's notes say where each fact comes "
        "from. The identifiers stay the same from one download to the next.",
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A CFPackage: CFDocument, CFItems, CFAssociations and CFDefinitions.",
            )
        },
    )
    def get(self, request: Request) -> HttpResponse:
        framework = Framework.objects.get()
        package = framework_package(framework=framework)
        body = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        return downloads.attachment(
            body.encode(), filename=file_name(framework), content_type="application/json"
        )


class CourseList(generics.ListAPIView):
    """The courses by title, with provider, fees and runs; 50 a page. Four queries a
    page whatever the catalogue's size: the count, courses, fees, levels covered."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC
    serializer_class = CourseSerializer
    queryset = Course.objects.for_listing().order_by("title", "pk")

    def get(self, request: Request, *args, **kwargs) -> Response:
        return Response(kept_data(request, lambda: super(CourseList, self).get(request).data))


class CourseDetail(generics.RetrieveAPIView):
    """One course with everything its page shows: fees and runs, modules, outcomes, and
    its graded coverage with the source fact each link rests on. Six queries."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC
    serializer_class = CourseDetailSerializer
    queryset = Course.objects.for_detail()
    lookup_field = "slug"

    def get(self, request: Request, *args, **kwargs) -> Response:
        return Response(
            kept_data(request, lambda: super(CourseDetail, self).get(request, *args, **kwargs).data)
        )
