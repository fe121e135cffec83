"""The organisation API's reads: the organisations the caller may see, one organisation,
its teams with their share achieved, a team's members with their statuses, its tallies
and its team plan.

Each view fetches the organisation through access.api_organisation on its first line
(a training lead's session, or a key of that organisation; anyone else 404) and a team
through access.api_team, so another organisation's team is a 404. The figures come
from the pages' own reads (teams.reports, teams.tallies, teams.team_plan), at the same
cost: a fixed number of queries whatever the number of teams or members. Statuses only:
no evidence note or file is ever read here."""

from datetime import datetime, tzinfo
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.models import Level
from imhcf.routers import replica_reads

from ...items import ITEM_REF, LEVELS, FrameworkView, Item, achieved_in, load_framework
from ...models import MEMBERS, JobRole, Membership, Rating, Status, Team, TeamTally
from ...plans.answers import STRENGTH_WORDS, WHY_NOTHING_CLOSES
from ...plans.offers import read_offers
from ...security import access, two_factor
from ...teams import tallies
from ...teams.budget_plan import total_words
from ...teams.reports import MIN_GROUP, PER_PAGE, DomainSummary
from ...teams.team_plan import Place, TeamPlan, team_plan
from . import serializers as s
from .keys import ORGANISATION_AUTH, KeyRateThrottle, SignedInOrKey, key_of


class OrganisationView(APIView):
    """What every view of the organisation API shares: who may ask, and how often."""

    authentication_classes = ORGANISATION_AUTH
    permission_classes = [SignedInOrKey]
    throttle_classes = [KeyRateThrottle]


class Pages(PageNumberPagination):
    """50 a page. A page that is not a number, or past the last, is a 400 saying so
    (DRF's own answer is a 404, which reads as "no such team")."""

    page_size = 50

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError(
                {"page": ["No such page: give a whole number from 1 to the last page."]}
            ) from None


def _choice(serializer_class: type[s.LevelChoice], request: Request) -> dict[str, Any]:
    """The query string's choices, checked: 400 with the field's error otherwise."""
    given = serializer_class(data=request.query_params)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


def _url(request: Request, name: str, *args: object) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


class OrganisationList(OrganisationView):
    """The organisations the caller may see: a training lead's own (every one for the
    site's admins), or a key's one organisation. One query with a session, none with a
    key."""

    @extend_schema(
        responses=s.OrganisationSerializer(many=True),
        operation_id="organisations",
        description="The organisations you may see: with a training lead's sign-in, the "
        "ones she leads (every one for the site's admins); with an organisation's API key, "
        "that organisation.",
    )
    def get(self, request: Request) -> Response:
        key = key_of(request)
        if key is not None:
            found = [key.organisation]
        else:
            try:
                found = access.organisations(request)  # type: ignore[arg-type]
            except two_factor.SecondFactorNeeded:
                raise PermissionDenied(
                    "This sign-in has not given its second factor: sign in to the site with "
                    "it, then try again."
                ) from None
        data = [
            {"id": o.pk, "name": o.name, "detail": _url(request, "api:organisation", o.pk)}
            for o in found
        ]
        return Response(s.OrganisationSerializer(data, many=True).data)


class OrganisationDetail(OrganisationView):
    """One organisation: its teams, their members and the levels. Three queries after
    access."""

    @extend_schema(
        responses=s.OrganisationDetailSerializer,
        operation_id="organisation",
        description="One organisation: its name, how many teams it has, how many members "
        "they have (a person on two teams counted twice, as on the organisation page), and "
        "the framework's levels.",
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = access.api_organisation(request, pk)
        teams = Team.objects.filter(organisation=organisation)
        data = {
            "id": organisation.pk,
            "name": organisation.name,
            "teams": teams.count(),
            "member_places": tallies.member_places(teams),
            "levels": [{"number": lv.number, "name": lv.name} for lv in Level.objects.all()],
        }
        return Response(s.OrganisationDetailSerializer(data).data)


def _with_member_count(teams: QuerySet[Team]) -> QuerySet[Team]:
    """Each team's members from its tallies, as the organisation page counts them."""
    member_rows = TeamTally.objects.filter(level=MEMBERS[0], ref=MEMBERS[1])
    return teams.annotate(
        member_count=Coalesce(
            Subquery(
                member_rows.filter(team_id=OuterRef("pk"))
                .values("team_id")
                .annotate(n=Sum("people"))
                .values("n")
            ),
            0,
        )
    )


def _level_shares(team: Any, framework: FrameworkView, counts: dict[int, Any]) -> list[dict]:
    """Per level, the share achieved overall and per domain, as the organisation page
    works it out (reports.organisation_overview), hidden under MIN_GROUP members."""
    members = team.member_count
    shown = members >= MIN_GROUP
    levels = []
    for level in LEVELS:
        _, achieved = counts[level][team.pk]
        by_domain, done, possible_all = [], 0, 0
        for domain in framework.domains:
            possible = members * len(framework.items[(level, domain.number)])
            got = achieved.get(domain.number, 0)
            done, possible_all = done + got, possible_all + possible
            percent = round(100 * got / possible) if shown and possible else None
            by_domain.append({"domain": domain.number, "percent": percent})
        overall = round(100 * done / possible_all) if shown and possible_all else None
        levels.append({"level": level, "percent": overall, "by_domain": by_domain})
    return levels


class TeamList(OrganisationView):
    """The organisation's teams by name, 50 a page, each with its members and its share
    achieved per level and domain (as the organisation page shows them; hidden for a
    team of fewer than three). Seven queries after access, whatever the number of teams
    or members: the framework (2), the count, the page, and the tallies of each level."""

    pagination_class = Pages

    @extend_schema(
        responses=s.TeamSerializer(many=True),
        operation_id="organisation_teams",
        description="The organisation's teams by name, 50 a page, each with its members "
        "and, at each level, the share of the competencies they have achieved, overall and "
        "per domain, as the organisation page shows them. A team of fewer than three "
        "members shows no figures, as they could single someone out: null, never 0.",
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = access.api_organisation(request, pk)
        framework = load_framework()
        refs = {
            level: {
                d.number: [item.ref for item in framework.items[(level, d.number)]]
                for d in framework.domains
            }
            for level in LEVELS
        }
        pages = Pages()
        with replica_reads():
            teams = _with_member_count(Team.objects.filter(organisation=organisation))
            page = pages.paginate_queryset(teams.order_by("name", "pk"), request, self)
            shown = list(page or [])
            ids = [t.pk for t in shown]
            counts = {
                level: tallies.teams_by_domain(ids, level=level, refs=refs[level])
                for level in LEVELS
            }
        data = [
            {
                "id": team.pk,
                "name": team.name,
                "members": team.member_count,
                "levels": _level_shares(team, framework, counts),
            }
            for team in shown
        ]
        return pages.get_paginated_response(s.TeamSerializer(data, many=True).data)


LEVEL_PARAMETER = OpenApiParameter(
    "level", int, description="1, 2 or 3; 1 if not given.", enum=list(LEVELS)
)


def _item(item: Item) -> dict[str, Any]:
    return {"code": item.code, "label": item.label, "domain": item.domain}


def _stamp(moment: datetime, here: tzinfo) -> str:
    """A time as REST framework writes it (ISO 8601 in the site's time zone, "Z" for
    UTC), at a fraction of its cost."""
    text = moment.astimezone(here).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MemberPages(Pages):
    """25 a page, as the team report shows them: each member comes with up to 63
    statuses."""

    page_size = PER_PAGE


class MemberList(OrganisationView):
    """A team's people (members and managers) in member order, 25 a page, each with the
    status of every competency at the level and when it was last saved. Never evidence.
    Six queries after access whatever the team's size: the team, the framework (2), the
    count, the page, and the page's ratings."""

    pagination_class = MemberPages

    @extend_schema(
        parameters=[LEVEL_PARAMETER],
        responses=s.MemberSerializer(many=True),
        operation_id="team_members",
        description="The team's people (members and managers), 25 a page, each with name, "
        "e-mail address, job role and role in the team and, for members, the status of "
        "every competency at the level (or domain assessed as a whole) and when it was last "
        "saved. Evidence notes and files are never given.",
    )
    def get(self, request: Request, pk: int, team: int) -> Response:
        organisation = access.api_organisation(request, pk)
        found = access.api_team(request, organisation, team)
        level = _choice(s.LevelChoice, request)["level"]
        framework = load_framework()
        items = framework.items_at(level)
        pages = MemberPages()
        with replica_reads():
            memberships = Membership.objects.filter(team=found).select_related("user")
            page = list(pages.paginate_queryset(memberships.in_member_order(), request, self) or [])
            members = [m.user_id for m in page if m.role == Membership.Role.MEMBER]
            # Only the status and when it was saved: the evidence column is never read.
            answers = {
                (user_id, ref): (status, changed)
                for user_id, ref, status, changed in Rating.objects.filter(
                    user__in=members, level=level
                )
                .annotate(ref=ITEM_REF)
                .values_list("user_id", "ref", "status", "updated_at")
            }
        # Built as the serializer would write it (MemberSerializer documents it): DRF's
        # nested serializers and its time field cost about 2 ms per member here, for up
        # to 63 statuses each.
        labels = dict(Status.choices)
        here = timezone.get_current_timezone()  # once: asking it per status cost 10 µs
        stamps: dict[datetime, str] = {}  # a grid's save stamps a domain's items alike

        def stamp(moment: datetime) -> str:
            stamps[moment] = _stamp(moment, here)
            return stamps[moment]

        untouched = {"status": Status.NOT_ASSESSED, "status_label": labels[Status.NOT_ASSESSED]}
        data = []
        for m in page:
            statuses = None
            if m.role == Membership.Role.MEMBER:
                statuses = []
                for item in items:
                    answer = answers.get((m.user_id, item.ref))
                    if answer is None:
                        statuses.append({"code": item.code, **untouched, "changed_at": None})
                    else:
                        status, changed = answer
                        statuses.append(
                            {
                                "code": item.code,
                                "status": status,
                                "status_label": labels[status],
                                "changed_at": stamps.get(changed) or stamp(changed),
                            }
                        )
            user = m.user
            data.append(
                {
                    "id": user.pk,
                    "name": user.display_name,
                    "email": user.email,
                    "job_role": user.job_role,
                    "job_role_label": JobRole(user.job_role).label
                    if user.job_role
                    else "not given",
                    "role": m.role,
                    "statuses": statuses,
                }
            )
        return pages.get_paginated_response(data)


class TeamTallyView(OrganisationView):
    """How many of the team's members have achieved each competency (or domain assessed
    as a whole) at the level, and per domain, from the stored tallies (the team
    report's figures). Four queries after access, whatever the team's size."""

    @extend_schema(
        parameters=[LEVEL_PARAMETER],
        responses=s.TallySerializer,
        operation_id="team_tally",
        description="How many of the team's members have achieved each competency at the "
        "level (or domain assessed as a whole), and each domain's share, as the team report "
        "counts them.",
    )
    def get(self, request: Request, pk: int, team: int) -> Response:
        organisation = access.api_organisation(request, pk)
        found = access.api_team(request, organisation, team)
        level = _choice(s.LevelChoice, request)["level"]
        framework = load_framework()
        with replica_reads():
            counts = tallies.team_counts(found.pk, level=level)
        members, achieved = counts.members, counts.achieved
        domains = []
        for d in framework.domains:
            mine = framework.items[(level, d.number)]
            summary = DomainSummary(
                d.number, d.name, len(mine), achieved_in(mine, achieved), members * len(mine)
            )
            domains.append(
                {
                    "domain": d.number,
                    "name": d.name,
                    "items": summary.items,
                    "achieved": summary.achieved,
                    "possible": summary.possible,
                    "percent": summary.percent if summary.possible else None,
                }
            )
        items = [
            {
                **_item(item),
                "achieved": achieved.get(item.ref, 0),
                "missing": members - achieved.get(item.ref, 0),
            }
            for item in framework.items_at(level)
        ]
        data = {
            "team": found.pk,
            "level": level,
            "members": members,
            "domains": domains,
            "items": items,
        }
        return Response(s.TallySerializer(data).data)


FIRST = {"cost": "cheapest first", "time": "quickest first", "count": "fewest courses first"}


def _fee(each: Any, amount: Any, unpublished: int, label: str) -> dict[str, Any]:
    """A place's fee: null where it is not published (never 0, which means free)."""
    return {"each": each, "total": None if unpublished else amount, "label": label}


def _teaches(place: Place, plan: TeamPlan) -> list[dict[str, Any]]:
    """What the place's option teaches at the level, in the framework's order, with the
    course's coverage links each rests on."""
    option = place.option
    taught = []
    for key, gap in plan.by_key.items():
        strength = option.strength(key)
        if not strength:
            continue
        sources = [
            {
                "strength": match.strength_words,
                "module": match.row.module.title if match.row.module else None,
                "grade": match.row.get_grade_display(),
                "reason": match.row.reason,
            }
            for match in gap.matches
            if match.row.course.slug == option.course_slug
        ]
        taught.append(
            {
                **_item(gap.item),
                "strength": STRENGTH_WORDS[strength],
                "closes": key in option.closes,
                "sources": sources,
            }
        )
    return taught


def _place(request: Request, place: Place, plan: TeamPlan) -> dict[str, Any]:
    option = place.option
    count = len(place.members)
    nhs_each = place.nhs / count if count and not place.nhs_unpublished else None
    return {
        "key": option.key,
        "course": option.course_title,
        "course_page": _url(request, "catalogue:course_detail", option.course_slug),
        "provider": option.provider,
        "what": "The course" if option.whole else option.label,
        "members": place.members,
        "member_count": count,
        "closes": place.closes,
        "contributes": place.contributes,
        "standard": _fee(option.fee, place.standard, place.unpublished, place.standard_label),
        "nhs_funded": _fee(nhs_each, place.nhs, place.nhs_unpublished, place.nhs_label),
        "fee_note": option.fee_note,
        "fee_assumption": option.fee_assumption,
        "time_each": option.time_label,
        "time_note": option.time_note,
        "entry": option.entry,
        "teaches": _teaches(place, plan),
    }


class TeamPlanView(OrganisationView):
    """The team plan as its page works it out: each member's own most complete plan
    for their gaps at the level, added up per course, with whom each is for, the
    member-gaps it closes and only teaches in part, its fees on both scales (null where
    not published) and the sources each link rests on. Seven queries after access,
    whatever the team's size."""

    @extend_schema(
        parameters=[
            LEVEL_PARAMETER,
            OpenApiParameter(
                "objective",
                str,
                enum=["cost", "time", "count"],
                description="Each member's most complete plan with the lowest fees (cost, "
                "as on the page), the least time, or the fewest courses.",
            ),
        ],
        responses=s.TeamPlanSerializer,
        operation_id="team_plan",
        description="The team plan as its page works it out: each member's own most "
        "complete plan for their gaps at the level, added up per course: whom each course "
        "is for, how many of their gaps it closes and how many it only teaches in part, its "
        "fees on the standard and NHS-funded scales (null where a fee is not published; 0 "
        "means free), its time, and the facts in the course's record each link rests on.",
    )
    def get(self, request: Request, pk: int, team: int) -> Response:
        organisation = access.api_organisation(request, pk)
        found = access.api_team(request, organisation, team)
        chosen = _choice(s.PlanChoice, request)
        level, objective = chosen["level"], chosen["objective"]
        framework = load_framework()
        with replica_reads():
            plan = team_plan(found, framework, read_offers(), level=level, objective=objective)
        members = plan.member_count
        courses = plan.courses
        data = {
            "team": found.pk,
            "level": level,
            "objective": objective,
            "summary": (
                f"Each member's own best plan for their gaps at Level {level} (the most "
                f"complete plan, {FIRST[objective]}, as on a practitioner's plan), added up "
                f"across the team's {members} member{'s' if members != 1 else ''}."
            ),
            "member_count": members,
            "member_gaps": plan.member_gaps,
            "closes": sum(c.closes for c in courses),
            "reaches": sum(c.closes + c.contributes for c in courses),
            "nothing_closes": bool(plan.member_gaps) and not plan.closable,
            "why_nothing_closes": WHY_NOTHING_CLOSES,
            "total_standard": total_words(courses, nhs=False),
            "total_nhs_funded": total_words(courses, nhs=True),
            "courses": [_place(request, place, plan) for place in courses],
            "unmet": [{**_item(item), "members": n} for item, n in plan.unmet],
        }
        return Response(s.TeamPlanSerializer(data).data)
