"""The public API's views: GET only, open to anyone (AllowAny, `login_not_required` in
urls.py), each over the QuerySet method its page uses, so its query count is pinned."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..completeness import framework_completeness
from ..models import LEVELS, Competency, Course, Domain, Framework, Level, Wording
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
        return Response(serializer.data)


class CourseList(generics.ListAPIView):
    """The courses by title, with provider, fees and runs; 50 a page. Four queries a
    page whatever the catalogue's size: the count, courses, fees, levels covered."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC
    serializer_class = CourseSerializer
    queryset = Course.objects.for_listing().order_by("title", "pk")


class CourseDetail(generics.RetrieveAPIView):
    """One course with everything its page shows: fees and runs, modules, outcomes, and
    its graded coverage with the source fact each link rests on. Six queries."""

    permission_classes = [AllowAny]
    authentication_classes = PUBLIC
    serializer_class = CourseDetailSerializer
    queryset = Course.objects.for_detail()
    lookup_field = "slug"
