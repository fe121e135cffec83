"""What the public API says about the framework and the courses. Every label is the one
the pages show (the models' `*_label` properties); a figure a provider does not publish
is null beside the label "not published", never 0 (0 means free)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Competency, Course, Coverage, Domain, Fee, Level, Module, Outcome, Wording


class WordingSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level_id", help_text="1, 2 or 3.")

    class Meta:
        model = Wording
        fields = ["level", "knowledge", "ability", "is_summary", "source"]


class CompetencySerializer(serializers.ModelSerializer):
    wordings = WordingSerializer(many=True, read_only=True)

    class Meta:
        model = Competency
        fields = ["code", "heading", "wordings"]


class DomainSerializer(serializers.ModelSerializer):
    competencies = CompetencySerializer(many=True, read_only=True)
    complete_at_levels = serializers.SerializerMethodField(
        help_text="Levels at which every competency of the domain is known and worded, "
        "so it can be assessed competency by competency."
    )

    class Meta:
        model = Domain
        fields = [
            "number",
            "name",
            "description",
            "declared_size",
            "complete_at_levels",
            "competencies",
        ]

    def get_complete_at_levels(self, domain: Domain) -> list[int]:
        levels: list[int] = self.context["levels"]
        return [level for level in levels if domain.is_complete_at(level)]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["number", "name", "summary", "typical_roles"]


class CompletenessSerializer(serializers.Serializer):
    declared = serializers.IntegerField(help_text="The publisher's count of competencies.")
    known = serializers.IntegerField(help_text="Competencies this site knows by code.")
    worded = serializers.IntegerField(
        help_text="Competencies with the framework's own wording at one level or more."
    )
    summarised = serializers.IntegerField(help_text="Competencies shown only in our summary.")
    by_level = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Level number -> competencies with the framework's own wording there.",
    )
    line = serializers.CharField(help_text="As the pages say it.")
    is_complete = serializers.BooleanField()


class FrameworkSerializer(serializers.Serializer):
    name = serializers.CharField()
    publisher = serializers.CharField()
    published_year = serializers.IntegerField(allow_null=True)
    wording_notice = serializers.CharField()
    completeness = CompletenessSerializer()
    levels = LevelSerializer(many=True)
    domains = DomainSerializer(many=True)


class ProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class RunSerializer(serializers.Serializer):
    starts = serializers.DateField(source="run_starts", allow_null=True)
    ends = serializers.DateField(source="run_ends", allow_null=True)
    ended = serializers.BooleanField(source="run_ended")
    # DRF's metaclass takes declared fields off the class, so this does not shadow
    # Field.label at run time; the stubs cannot know that.
    label = serializers.CharField(  # type: ignore[assignment]
        source="run_label", help_text="As the course page says it."
    )


class FeeSerializer(serializers.ModelSerializer):
    standard_label = serializers.CharField(help_text='e.g. "£2,550", "free", "not published".')
    nhs_funded_label = serializers.CharField()
    run = serializers.SerializerMethodField(
        help_text="The one dated run the fee is published for; null when not tied to a run."
    )

    class Meta:
        model = Fee
        fields = [
            "label",
            "credits",
            "per_credits",
            "standard",
            "standard_label",
            "nhs_funded",
            "nhs_funded_label",
            "run",
        ]

    @extend_schema_field(RunSerializer(allow_null=True))
    def get_run(self, fee: Fee) -> dict | None:
        if fee.run_starts is None and fee.run_ends is None:
            return None
        return RunSerializer(fee).data


class ModuleSerializer(serializers.ModelSerializer):
    credits_label = serializers.CharField()
    kind_label = serializers.CharField()

    class Meta:
        model = Module
        fields = ["title", "credits", "credits_label", "year", "stage", "kind", "kind_label"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["position", "text"]


class CoverageSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level_id")
    domain = serializers.IntegerField(source="domain_id")
    competency = serializers.CharField(
        source="competency.code",
        allow_null=True,
        default=None,
        help_text="The competency's code; null when the link covers the whole domain.",
    )
    target_label = serializers.CharField()
    module = serializers.CharField(
        source="module.title", allow_null=True, default=None, help_text="Null: no one module."
    )
    grade_label = serializers.CharField(source="get_grade_display")
    closes = serializers.BooleanField(help_text="Strong enough to close a gap on its own.")

    class Meta:
        model = Coverage
        fields = [
            "level",
            "domain",
            "competency",
            "target_label",
            "module",
            "grade",
            "grade_label",
            "closes",
            "reason",
        ]


class CourseSerializer(serializers.ModelSerializer):
    """A course as the course list shows it, with its fees and runs."""

    provider = ProviderSerializer()
    page = serializers.SerializerMethodField(help_text="The course's page on this site.")
    detail = serializers.HyperlinkedIdentityField(
        view_name="api:course_detail", lookup_field="slug"
    )
    mode_label = serializers.CharField()
    duration_label = serializers.CharField()
    endorser_label = serializers.CharField()
    fees = FeeSerializer(many=True, read_only=True)
    levels_covered = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The levels its offered coverage reaches (recorded exclusions left out).",
    )

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "provider",
            "page",
            "detail",
            "award",
            "mode",
            "mode_label",
            "duration_label",
            "starts",
            "endorser",
            "endorser_label",
            "fees",
            "levels_covered",
        ]

    def get_page(self, course: Course) -> str:
        return self.context["request"].build_absolute_uri(course.get_absolute_url())


class CourseDetailSerializer(CourseSerializer):
    """A course with everything its page shows: modules, outcomes and graded coverage."""

    modules = ModuleSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    coverage = CoverageSerializer(many=True, read_only=True)
    outcomes_title = serializers.CharField(help_text="The heading over the outcomes.")
    # The list's summary, removed here (DRF's way): the detail gives every coverage row.
    levels_covered = None  # type: ignore[assignment]

    class Meta(CourseSerializer.Meta):
        fields = [
            *(f for f in CourseSerializer.Meta.fields if f != "levels_covered"),
            "exit_awards",
            "summary",
            "delivery",
            "duration_min",
            "duration_max",
            "duration_unit",
            "duration_note",
            "audience",
            "entry_requirements",
            "requires_degree_or_registration",
            "assessment",
            "endorsement",
            "link_text",
            "url",
            "outcomes_title",
            "outcomes",
            "modules",
            "coverage",
        ]
