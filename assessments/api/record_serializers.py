"""What the API says of a person's own record: the same figures and words as her pages
(the dashboard, grid, gaps, plan and portfolio), read from the same page functions. A
fee a provider does not publish is null beside the words "not published", never 0."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Status, TrainingRecord


class ChoiceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='What a program compares, e.g. "achieved".')
    # DRF's metaclass takes declared fields off the class, so this does not shadow
    # Field.label at run time; the stubs cannot know that.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='What a person reads, e.g. "Achieved".'
    )


@extend_schema_field(ChoiceSerializer)
class StatusField(serializers.Field):
    """A status code ("achieved") as its code and the words a person reads."""

    def to_representation(self, value: str) -> dict:
        return {"code": value, "label": Status(value).label}


class DomainProgressSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="domain.number")
    name = serializers.CharField(source="domain.name")
    items = serializers.IntegerField(
        source="total", help_text="Competencies to rate here (1 when rated as a whole domain)."
    )
    achieved = serializers.IntegerField()
    working_towards = serializers.IntegerField(source="working")


class LevelProgressSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    complete = serializers.BooleanField(
        help_text="Every competency of this level and of every lower level is achieved."
    )
    domains = DomainProgressSerializer(many=True)


class MeSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    job_role = ChoiceSerializer(allow_null=True)
    target_level = serializers.IntegerField(source="user.target_level")
    progress = LevelProgressSerializer(many=True)
    links = serializers.DictField(
        child=serializers.URLField(), help_text="The other parts of her record in this API."
    )


class RatingSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    domain = serializers.IntegerField()
    code = serializers.CharField(help_text='"1.07", or "D3" for domain 3 rated as a whole.')
    name = serializers.CharField(help_text="What a person reads, e.g. '1.07 Heading'.")
    status = StatusField()
    evidence = serializers.CharField(help_text="Her own evidence note; empty when none.")
    version = serializers.IntegerField(
        allow_null=True, help_text="Goes up with each save; null when never rated."
    )
    updated_at = serializers.DateTimeField(allow_null=True)


class GapSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='The level and code, e.g. "2:1.07".')
    name = serializers.CharField(help_text='e.g. "Level 2, 1.07 Heading".')
    status = StatusField()


class CoverSerializer(serializers.Serializer):
    course = serializers.CharField(source="row.course.title")
    course_slug = serializers.SlugField(source="row.course.slug")
    effect = serializers.CharField(
        source="effect_label",
        help_text='"closes", or "contributes to" with why a closing grade does not close here.',
    )
    strength = serializers.CharField(source="strength_words")
    grade = serializers.CharField(source="row.get_grade_display")
    source = serializers.CharField(  # type: ignore[assignment] # as label above
        source="row.reason", help_text="The source fact this link rests on, and where it is."
    )


class GapWithCoursesSerializer(GapSerializer):
    courses = CoverSerializer(many=True, source="matches")


class GapsSerializer(serializers.Serializer):
    target_level = serializers.IntegerField(source="target")
    count = serializers.SerializerMethodField(help_text="Her gaps up to the level she aims for.")
    closable = serializers.IntegerField(help_text="Gaps a listed course closes.")
    contributed_only = serializers.IntegerField(
        help_text="Gaps listed courses only contribute to: none closes them."
    )
    gaps = GapWithCoursesSerializer(many=True)

    def get_count(self, page) -> int:
        return len(page.gaps)


class GapsTaughtSerializer(serializers.Serializer):
    strength = serializers.CharField(source="words", help_text='e.g. "Closes", "Taught in part".')
    gaps = GapSerializer(many=True)


class OptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(help_text="The course, and the award or module where it is one.")
    course_slug = serializers.SlugField()
    provider = serializers.CharField()
    fee = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        allow_null=True,
        help_text="On the scale asked for; null when not published (0 is free).",
    )
    fee_label = serializers.CharField(help_text='e.g. "£2,550", "free", "not published".')
    fee_note = serializers.CharField(source="fee_notes")
    fee_assumption = serializers.CharField(
        help_text="Set when the fee is worked out by this site from a published rate."
    )
    length = serializers.CharField(source="time_label")
    entry = serializers.CharField(help_text="Entry requirements, where the course has some.")


class ChosenSerializer(serializers.Serializer):
    option = OptionSerializer()
    closes = GapSerializer(many=True, help_text="Her gaps it closes.")
    contributes = GapSerializer(many=True, help_text="Her gaps it only contributes to.")


class PlanViewSerializer(serializers.Serializer):
    courses = ChosenSerializer(many=True, source="chosen")
    total_standard = serializers.CharField(source="standard")
    total_nhs_funded = serializers.CharField(source="nhs")
    closes = serializers.SerializerMethodField(help_text="How many of her gaps it closes.")
    only_contributes_to = GapSerializer(
        many=True, source="not_closed", help_text="Gaps it reaches without closing them."
    )
    untouched = GapSerializer(many=True, help_text="Gaps this plan does not reach.")

    def get_closes(self, view) -> int:
        return len(view.plan.closed)


class TakeSerializer(serializers.Serializer):
    name = serializers.CharField(source="option.name")
    course_slug = serializers.SlugField(source="option.course_slug")
    fee = serializers.CharField(source="fee_words")
    closes = serializers.BooleanField(help_text="It closes one of her gaps or more.")
    teaches = GapsTaughtSerializer(many=True)


class OfferSerializer(serializers.Serializer):
    courses = TakeSerializer(many=True, source="takes")
    total_standard = serializers.CharField(source="standard")
    total_nhs_funded = serializers.CharField(source="nhs")
    time = serializers.CharField()
    closes = GapSerializer(many=True)


class AnswerSerializer(serializers.Serializer):
    limits = serializers.CharField(help_text="Her limits in words, as the plan page says them.")
    gap_count = serializers.IntegerField()
    closes = serializers.IntegerField(help_text="How many of her gaps the plan to follow closes.")
    nothing_closes = serializers.BooleanField(
        help_text="No listed course closes any of her gaps: plans only contribute."
    )
    courses = TakeSerializer(many=True, source="takes", help_text="The plan to follow now.")
    cheapest_closing = OfferSerializer(
        allow_null=True, help_text="When the plan closes none but a dearer one would."
    )
    more = OfferSerializer(
        allow_null=True, help_text="What a bigger budget or more time would add."
    )


class LeftOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="option.name")
    reason = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    objective = serializers.CharField()
    nhs_funded = serializers.BooleanField(source="nhs")
    target_level = serializers.IntegerField(source="target")
    gap_count = serializers.IntegerField()
    answer = AnswerSerializer()
    within_limits = PlanViewSerializer(
        source="limited", allow_null=True, help_text="The best plan within her budget and time."
    )
    most_complete = PlanViewSerializer(source="complete")
    steps = serializers.SerializerMethodField(
        help_text="From free to most complete: each step's plan."
    )
    uncovered = GapSerializer(many=True, help_text="Gaps no listed course reaches.")
    left_out = LeftOutSerializer(many=True, help_text="Courses left out, each with the reason.")

    @extend_schema_field(PlanViewSerializer(many=True))
    def get_steps(self, page) -> list:
        return list(PlanViewSerializer([step.view for step in page.steps], many=True).data)


class TrainingRecordSerializer(serializers.ModelSerializer):
    course = serializers.SerializerMethodField(
        help_text="The catalogue course's slug, where it is one; null otherwise."
    )
    module = serializers.SerializerMethodField(help_text="The module taken, where one is.")
    method = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "title",
            "provider",
            "course",
            "module",
            "method",
            "started",
            "finished",
            "hours",
            "participatory_hours",
            "covered",
            "peer_discussed",
            "updated_at",
        ]

    def get_course(self, record: TrainingRecord) -> str | None:
        return record.course.slug if record.course else None

    def get_module(self, record: TrainingRecord) -> str | None:
        return str(record.module) if record.module else None

    @extend_schema_field(ChoiceSerializer)
    def get_method(self, record: TrainingRecord) -> dict:
        return {"code": record.method, "label": record.get_method_display()}
