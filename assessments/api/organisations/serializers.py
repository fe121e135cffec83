"""What the organisation API says, and the query strings and staff lists it reads.

Every figure is the one the pages show, from the same reads (teams.reports, teams.tallies,
teams.team_plan); every label is the pages' own. Members' statuses only: no evidence
note or file is ever part of an answer. A fee nobody published is null beside the label
"not published", never 0 (0 means free)."""

from rest_framework import serializers

from ...items import LEVELS
from ...models import JobRole, Membership, Status
from ...plans.optimiser import OBJECTIVES
from ...teams import importing


class LevelChoice(serializers.Serializer):
    """?level=1, 2 or 3 (1 when not given, as on the pages)."""

    level = serializers.ChoiceField(
        choices=list(LEVELS), required=False, default=1, help_text="1, 2 or 3; 1 if not given."
    )


class PlanChoice(LevelChoice):
    objective = serializers.ChoiceField(
        choices=list(OBJECTIVES),
        required=False,
        default="cost",
        help_text="Among each member's most complete plans, the one with the lowest total "
        "fee (cost), the least time (time) or the fewest courses (count); cost if not given.",
    )


class LevelNameSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    detail = serializers.CharField(help_text="This organisation in the API.")


class OrganisationDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    teams = serializers.IntegerField(help_text="Its teams.")
    member_places = serializers.IntegerField(
        help_text="Members of its teams (not their managers); a person on two teams is "
        "counted twice, as on the organisation page."
    )
    levels = LevelNameSerializer(many=True)


class DomainShareSerializer(serializers.Serializer):
    domain = serializers.IntegerField()
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="Share of the domain's competencies its members have achieved, in per cent; "
        "null for a team of fewer than three members (it could single someone out).",
    )


class LevelShareSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="Share of everything at this level its members have achieved, in per cent; "
        "null for a team of fewer than three members.",
    )
    by_domain = DomainShareSerializer(many=True, help_text="As the organisation page shows it.")


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField(help_text="Its members (not its managers).")
    levels = LevelShareSerializer(many=True)


class StatusSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text='The competency\'s code ("1.07"), or "D3" for Domain 3 assessed as a '
        "whole while the site does not have all of its wording."
    )
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(
        help_text='"Achieved", "Working towards", "Not yet assessed".'
    )
    changed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the member last saved this answer; null if never."
    )


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The person's id.")
    name = serializers.CharField()
    email = serializers.EmailField()
    job_role = serializers.ChoiceField(choices=JobRole.choices, allow_blank=True)
    job_role_label = serializers.CharField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, help_text="In the team.")
    statuses = StatusSerializer(
        many=True,
        allow_null=True,
        help_text="Each competency (or domain assessed as a whole) at the level, in the "
        "framework's order; null for a manager, whose own assessment is not part of the "
        "team's. Statuses only: evidence is never given.",
    )


# DRF's metaclass takes declared fields off the class, so `label` and `errors` below do
# not shadow Field.label or Serializer.errors at run time; the stubs cannot know that.
class ItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    domain = serializers.IntegerField()


class ItemTallySerializer(ItemSerializer):
    achieved = serializers.IntegerField(help_text="Members who have achieved it.")
    missing = serializers.IntegerField(help_text="Members who have not (yet).")


class DomainTallySerializer(serializers.Serializer):
    domain = serializers.IntegerField()
    name = serializers.CharField()
    items = serializers.IntegerField(
        help_text="Competencies (or 1 for a domain assessed as a whole)."
    )
    achieved = serializers.IntegerField(
        help_text="Competencies achieved here, counted for each member and added up."
    )
    possible = serializers.IntegerField(help_text="Each member times each competency here.")
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="The share achieved, in per cent; null when the team has no members.",
    )


class TallySerializer(serializers.Serializer):
    team = serializers.IntegerField()
    level = serializers.IntegerField()
    members = serializers.IntegerField()
    domains = DomainTallySerializer(many=True)
    items = ItemTallySerializer(many=True)


class SourceSerializer(serializers.Serializer):
    strength = serializers.CharField(help_text='e.g. "Taught in a core module", "Taught in part".')
    module = serializers.CharField(allow_null=True, help_text="Null: not one module.")
    grade = serializers.CharField()
    reason = serializers.CharField(help_text="The fact in the course's record the link rests on.")


class TeachingSerializer(ItemSerializer):
    strength = serializers.CharField(help_text="How strongly it teaches it, as the page says it.")
    closes = serializers.BooleanField()
    sources = SourceSerializer(many=True)


class FeeTotalSerializer(serializers.Serializer):
    each = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text="One place; null: not published.",
    )
    total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="For every member taking it; null when no fee of it is published.",
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='e.g. "£7,650", "free", "not published".'
    )


class PlaceSerializer(serializers.Serializer):
    key = serializers.CharField()
    course = serializers.CharField()
    course_page = serializers.CharField()
    provider = serializers.CharField()
    what = serializers.CharField(help_text='"The course", or the award or module to take.')
    members = serializers.ListField(
        child=serializers.CharField(), help_text="Names, in member order."
    )
    member_count = serializers.IntegerField()
    closes = serializers.IntegerField(help_text="Member-gaps closed.")
    contributes = serializers.IntegerField(help_text="Member-gaps taught, not closed.")
    standard = FeeTotalSerializer()
    nhs_funded = FeeTotalSerializer(
        help_text="Null amounts where no NHS-funded fee is published (the page counts the "
        "standard fee then, and says so)."
    )
    fee_note = serializers.CharField(help_text="The dated run the fee was published for, if any.")
    fee_assumption = serializers.CharField()
    time_each = serializers.CharField()
    time_note = serializers.CharField()
    entry = serializers.CharField()
    teaches = TeachingSerializer(
        many=True, help_text="What it teaches at this level, how strongly, and the sources."
    )


class UnmetSerializer(ItemSerializer):
    members = serializers.IntegerField(help_text="Members missing it.")


class TeamPlanSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    level = serializers.IntegerField()
    objective = serializers.CharField()
    summary = serializers.CharField(help_text="As the page says it.")
    member_count = serializers.IntegerField()
    member_gaps = serializers.IntegerField(help_text="The members' gaps at this level, in all.")
    closes = serializers.IntegerField(help_text="Member-gaps the plan closes.")
    reaches = serializers.IntegerField(help_text="Member-gaps it closes or teaches in part.")
    nothing_closes = serializers.BooleanField(
        help_text="No listed course closes any of these members' gaps."
    )
    why_nothing_closes = serializers.CharField()
    total_standard = serializers.CharField(help_text='e.g. "£2,474 + 2 not published".')
    total_nhs_funded = serializers.CharField()
    courses = PlaceSerializer(many=True, help_text="Most member-gaps closed first.")
    unmet = UnmetSerializer(
        many=True, help_text="Gaps no listed course covers, most members first."
    )


class StaffMemberSerializer(serializers.Serializer):
    """One person, as one row of the staff import's template. It describes the body in
    the OpenAPI description; the body is checked by the staff import's own rules
    (staff._read, importing.check_rows), whose messages the pages give."""

    name = serializers.CharField(help_text="e.g. Sam Jones")
    email = serializers.CharField(help_text="e.g. sam.jones@example.nhs.uk")
    job_role = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="One of ours, as its code or its name (e.g. health_visitor or Health visitor); "
        "empty or left out: the person says when they sign up.",
    )
    team = serializers.CharField(help_text="e.g. North locality; a team not there yet is made.")
    manager = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: invited as one of the team's managers (JSON true or false only).",
    )


class StaffListSerializer(serializers.Serializer):
    staff = StaffMemberSerializer(many=True, help_text=f"Up to {importing.MAX_ROWS:,} people.")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text="The person's place in the list, the first being 1; null for the list "
        "as a whole.",
    )
    field = serializers.CharField()
    message = serializers.CharField()


class StaffErrorsSerializer(serializers.Serializer):
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]


class StaffOutcomeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    email = serializers.CharField()
    team = serializers.CharField()
    invited = serializers.BooleanField(help_text="An invitation was made and is being e-mailed.")
    new_team = serializers.BooleanField()
    outcome = serializers.CharField(
        help_text='As the staff import says it: "invitation e-mailed", "already a member of '
        'the team: nothing to do", "already invited on 6 December 2026: nothing sent".'
    )


class StaffDoneSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    new_teams = serializers.ListField(child=serializers.CharField())
    job = serializers.IntegerField(
        allow_null=True, help_text="The sending of these invitations; null when nobody was invited."
    )
    sending = serializers.CharField(
        allow_null=True,
        help_text="The page where a training lead follows the e-mails being sent; null when "
        "nobody was invited.",
    )
    rows = StaffOutcomeSerializer(many=True)
