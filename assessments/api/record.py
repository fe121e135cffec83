"""/api/v1/me/...: a person's own record: where she stands, her ratings with her
evidence, her gaps with the courses that reach them, her development plan and her
training records. Read with her own session or personal token only: an organisation's
key never reads a person's record (a lead sees statuses, never evidence, through the
organisation API). Each view reads through the page's own function, so the API says
what the page says, and asks `access.own_person` who the record belongs to."""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..items import LEVELS, load_framework
from ..models import JobRole, Status, TrainingRecord
from ..plans import pages
from ..plans.forms import PlanForm
from ..ratings.progress import progress, ratings_by_key
from ..security import access
from . import record_serializers as out
from .personal_keys import PERSONAL_AUTH


def _level(request: Request) -> int | None:
    """The `level` asked for (1, 2 or 3), or None for all; anything else is a 400."""
    text = request.query_params.get("level")
    if text is None:
        return None
    if text not in {str(level) for level in LEVELS}:
        raise serializers.ValidationError({"level": ["Give level 1, 2 or 3."]})
    return int(text)


class Me(APIView):
    """Who she is and where she stands: her job role, the level she aims for and, at each
    level, each domain's achieved and working-towards counts. Two queries after sign-in."""

    authentication_classes = PERSONAL_AUTH

    @extend_schema(responses=out.MeSerializer, operation_id="me")
    def get(self, request: Request) -> Response:
        user = access.own_person(request)
        framework = load_framework()
        standing = progress(framework, ratings_by_key(user), user.target_level)
        data = {
            "user": user,
            "job_role": (
                {"code": user.job_role, "label": JobRole(user.job_role).label}
                if user.job_role
                else None
            ),
            "progress": [
                {
                    "level": level,
                    "complete": standing.is_complete(level),
                    "domains": standing.cells[level],
                }
                for level in LEVELS
            ],
            "links": {
                name: request.build_absolute_uri(reverse(f"api:{name}"))
                for name in ("my_ratings", "my_gaps", "my_plan", "my_training_records")
            },
        }
        return Response(out.MeSerializer(data).data)


class Ratings(APIView):
    """Every competency she rates, at each level (or at `level`), with her status, her
    evidence note, its version and when she last saved it; a competency never rated is
    "not assessed". Three queries after sign-in."""

    authentication_classes = PERSONAL_AUTH

    @extend_schema(
        responses=out.RatingSerializer(many=True),
        operation_id="my_ratings",
        parameters=[OpenApiParameter("level", OpenApiTypes.INT, enum=list(LEVELS))],
    )
    def get(self, request: Request) -> Response:
        user = access.own_person(request)
        level = _level(request)
        framework = load_framework()
        ratings = ratings_by_key(user, level=level)
        items = framework.all_items() if level is None else framework.items_at(level)
        rows = []
        for item in items:
            rating = ratings.get(item.key)
            rows.append(
                {
                    "level": item.level,
                    "domain": item.domain,
                    "code": item.code,
                    "name": item.label,
                    "status": rating.status if rating else Status.NOT_ASSESSED,
                    "evidence": rating.evidence if rating else "",
                    "version": rating.version if rating else None,
                    "updated_at": rating.updated_at if rating else None,
                }
            )
        return Response(out.RatingSerializer(rows, many=True).data)


class Gaps(APIView):
    """Every competency below achieved up to the level she aims for, each with the
    courses that reach it: whether each closes it or only contributes, how strongly, and
    the source fact the link rests on. As her gaps page says it."""

    authentication_classes = PERSONAL_AUTH

    @extend_schema(responses=out.GapsSerializer, operation_id="my_gaps")
    def get(self, request: Request) -> Response:
        user = access.own_person(request)
        page = pages.practitioner_gaps(user)
        return Response(out.GapsSerializer(page).data)


PLAN_PARAMETERS = [
    OpenApiParameter("objective", OpenApiTypes.STR, enum=["cost", "time", "count"]),
    OpenApiParameter("nhs", OpenApiTypes.BOOL, description="Use NHS-funded fees."),
    OpenApiParameter("budget", OpenApiTypes.DECIMAL, description="The most to spend, in £."),
    OpenApiParameter("time_limit", OpenApiTypes.DECIMAL),
    OpenApiParameter("time_unit", OpenApiTypes.STR, enum=["months", "weeks", "hours"]),
]


class Plan(APIView):
    """Her development plan as her plan page works it out: what to take now and what it
    closes (never counting a gap a course only contributes to as closed), the best plan
    within her budget and time, the most complete plan, the steps from free to most
    complete, and what no listed course reaches. A value the plan page would refuse is a
    400 naming the field."""

    authentication_classes = PERSONAL_AUTH

    @extend_schema(responses=out.PlanSerializer, operation_id="my_plan", parameters=PLAN_PARAMETERS)
    def get(self, request: Request) -> Response:
        user = access.own_person(request)
        data = request.query_params.copy()
        data.setdefault("objective", "cost")
        form = PlanForm(data)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        page = pages.practitioner_plan(
            user,
            objective=form.cleaned_data["objective"] or "cost",
            nhs=bool(form.cleaned_data.get("nhs")),
            budget=form.cleaned_data.get("budget"),
            hours=form.hours(),
            time_words=form.time_words(),
        )
        return Response(out.PlanSerializer(page).data)


class TrainingRecords(generics.ListAPIView):
    """Her training records, newest first, 50 a page: what she took, when, for how long
    and what it covered (files stay on the site)."""

    authentication_classes = PERSONAL_AUTH
    serializer_class = out.TrainingRecordSerializer

    def get_queryset(self):
        user = access.own_person(self.request)
        return (
            TrainingRecord.objects.filter(user=user)
            .select_related("course", "module")
            .order_by("-finished", "-pk")
        )

    @extend_schema(operation_id="my_training_records")
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("me/", Me.as_view(), name="me"),
    path("me/ratings/", Ratings.as_view(), name="my_ratings"),
    path("me/gaps/", Gaps.as_view(), name="my_gaps"),
    path("me/plan/", Plan.as_view(), name="my_plan"),
    path("me/training-records/", TrainingRecords.as_view(), name="my_training_records"),
]
