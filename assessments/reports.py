"""Reads for the team pages, returning dataclasses.

The team report shows one page of members at a time; the team-wide figures
(per-domain share achieved, top gaps) are counted in the database, so the cost
does not depend on how many members the team has.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F
from django.db.models import Q as models_q
from django.db.models.functions import Coalesce
from django.utils.html import format_html

from catalogue.labels import pounds

from .matching import Option, Plan, best_plan, cover_sets, plan_signature
from .models import Membership, Rating, Status, Team
from .plans import Gap, attach_matches, build_options
from .progress import Framework, Item

PER_PAGE = 25
# Symbol, words and a tint per status: the heat map never relies on colour alone.
SYMBOL = {
    Status.ACHIEVED: ("✔", "Achieved", "hm-achieved"),
    Status.WORKING_TOWARDS: ("◐", "Working towards", "hm-working"),
    Status.NOT_ASSESSED: ("○", "Not yet assessed", "hm-none"),
}
# One heat-map cell per status, built once: a page has up to 25 x 63 cells, and
# rendering each through the template engine cost more than the rest of the page.
CELL = {
    status: format_html(
        '<td class="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>'
        "</td>",
        css,
        symbol,
        label,
    )
    for status, (symbol, label, css) in SYMBOL.items()
}
NONE = Status.NOT_ASSESSED


@dataclass
class DomainSummary:
    number: int
    name: str
    items: int
    achieved: int  # member-items achieved
    possible: int  # members x items

    @property
    def percent(self) -> int:
        return round(100 * self.achieved / self.possible) if self.possible else 0


@dataclass
class TopGap:
    item: Item
    missing: int  # members who have not achieved it


@dataclass
class TeamReport:
    level: int
    items: list[Item]  # the columns shown (a domain's, or all)
    page: Page  # of Membership, with .cells set on each
    member_count: int
    summaries: list[DomainSummary] = field(default_factory=list)
    top_gaps: list[TopGap] = field(default_factory=list)


# One integer per item: the competency's id, or minus the domain's number for a domain
# rated as a whole. Grouping on one column costs SQLite a third less than on two.
ITEM_REF = Coalesce("competency_id", -F("domain_id"))


def item_ref(item: Item) -> int:
    return item.competency_id if item.competency_id is not None else -item.domain


def achieved_counts(members, level: int) -> dict[int, int]:
    """Members who achieved each item at `level`, by item_ref; one query, read from the
    rating_team_statuses index alone."""
    return dict(
        Rating.objects.filter(
            user__in=members.values("user_id"), level=level, status=Status.ACHIEVED
        )
        .values(ref=ITEM_REF)
        .annotate(n=Count("*"))
        .values_list("ref", "n")
    )


def team_members(team, *, job_role: str = ""):
    members = Membership.objects.filter(team=team, role=Membership.Role.MEMBER)
    if job_role:
        members = members.filter(user__job_role=job_role)
    return members


def team_report(
    team,
    framework: Framework,
    *,
    level: int,
    domain: int | None = None,
    job_role: str = "",
    page: str | int | None = 1,
) -> TeamReport:
    """Four queries whatever the team size: member count, one page of members, their
    ratings at `level`, and the team-wide achieved counts per item."""
    items = [i for i in framework.items_at(level) if domain is None or i.domain == domain]
    members = team_members(team, job_role=job_role)
    paginator = Paginator(
        members.select_related("user").order_by(
            "user__last_name", "user__first_name", "user__username"
        ),
        PER_PAGE,
    )
    current = paginator.get_page(page)
    memberships = list(current.object_list)
    current.object_list = memberships
    # A missing row reads as "not yet assessed", so those rows need not be read.
    statuses = {
        (user_id, ref): status
        for user_id, ref, status in Rating.objects.filter(
            user__in=[m.user_id for m in memberships], level=level
        )
        .exclude(status=NONE)
        .annotate(ref=ITEM_REF)
        .values_list("user_id", "ref", "status")
    }
    refs = [item_ref(i) for i in items]
    row = "{}" * len(refs)
    for membership in memberships:
        user_id = membership.user_id
        # One format_html per row: the CELL strings are already safe, so nothing is escaped
        # twice, and no data reaches the markup.
        membership.cells = format_html(
            row, *[CELL[statuses.get((user_id, ref), NONE)] for ref in refs]
        )
    count = paginator.count
    achieved = achieved_counts(members, level)
    report = TeamReport(level, items, current, count)
    for d in framework.domains:
        mine = framework.items[(level, d.number)]
        done = sum(achieved.get(item_ref(i), 0) for i in mine)
        report.summaries.append(DomainSummary(d.number, d.name, len(mine), done, count * len(mine)))
    gaps = [
        TopGap(item, count - achieved.get(item_ref(item), 0)) for item in framework.items_at(level)
    ]
    report.top_gaps = sorted(
        (g for g in gaps if g.missing), key=lambda g: (-g.missing, g.item.code)
    )[:10]
    return report


@dataclass
class TeamCourse:
    """One option of the team plan: who should take it and what it costs in all."""

    option: Option
    members: list[str] = field(default_factory=list)
    standard: Decimal = Decimal(0)
    nhs: Decimal = Decimal(0)
    unpublished: int = 0  # members for whom this option has no published fee
    gaps_closed: int = 0

    @property
    def standard_label(self) -> str:
        return pounds(self.standard)

    @property
    def nhs_label(self) -> str:
        return pounds(self.nhs)


@dataclass
class TeamPlan:
    level: int
    member_count: int
    courses: list[TeamCourse]
    unmet: list[tuple[Item, int]]  # items no listed course covers, with members missing them

    @property
    def total_standard(self) -> Decimal:
        return sum((c.standard for c in self.courses), Decimal(0))

    @property
    def total_nhs(self) -> Decimal:
        return sum((c.nhs for c in self.courses), Decimal(0))

    @property
    def total_standard_label(self) -> str:
        return pounds(self.total_standard)

    @property
    def total_nhs_label(self) -> str:
        return pounds(self.total_nhs)

    @property
    def unpublished(self) -> int:
        return sum(c.unpublished for c in self.courses)


def team_plan(team, framework: Framework, catalogue, *, level: int, objective: str = "cost"):
    """Each member's own best plan for their gaps at `level` (the same optimiser as the
    practitioner's plan, on the same priced options), added up per option. Members whose
    gaps give the optimiser the same choice (matching.plan_signature) share one
    computation. Two queries: members, and what they have achieved."""
    members = [
        (user_id, f"{first} {last}".strip() or username)
        for user_id, first, last, username in team_members(team)
        .order_by("user__last_name", "user__first_name", "user__username")
        .values_list("user_id", "user__first_name", "user__last_name", "user__username")
    ]
    achieved: dict[int, set[int]] = defaultdict(set)
    for user_id, ref in (
        Rating.objects.filter(
            user__in=team_members(team).values("user_id"), level=level, status=Status.ACHIEVED
        )
        .annotate(ref=ITEM_REF)
        .values_list("user_id", "ref")
    ):
        achieved[user_id].add(ref)
    all_gaps = [Gap(item, Status.NOT_ASSESSED) for item in framework.items_at(level)]
    attach_matches(all_gaps, framework, catalogue)
    options = build_options(all_gaps, catalogue, nhs=False)
    nhs = {o.key: o for o in build_options(all_gaps, catalogue, nhs=True)}
    covering = cover_sets(options)
    refs = [(item_ref(gap.item), gap.key) for gap in all_gaps]
    by_key = {gap.key: gap for gap in all_gaps}
    plans: dict[frozenset, Plan] = {}
    chosen: dict[str, TeamCourse] = {}
    missing: dict[str, int] = defaultdict(int)
    for user_id, name in members:
        done = achieved[user_id]
        gaps = frozenset(key for ref, key in refs if ref not in done)
        for key in gaps:
            missing[key] += 1
        signature = plan_signature(gaps, covering)
        if signature not in plans:
            plans[signature] = best_plan(gaps, options, objective)
        for option in plans[signature].chosen:
            course = chosen.setdefault(option.key, TeamCourse(option))
            course.members.append(name)
            course.gaps_closed += len(option.covers & gaps)
            if option.fee is None:
                course.unpublished += 1
            else:
                course.standard += option.fee
            course.nhs += nhs[option.key].fee or 0
    courses = sorted(chosen.values(), key=lambda c: (-c.gaps_closed, c.option.key))
    unmet = [
        (by_key[key].item, count)
        for key, count in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))
        if not by_key[key].matches
    ]
    return TeamPlan(level, len(members), courses, unmet)


MIN_GROUP = 3  # aggregates over fewer people than this could single someone out


@dataclass
class TeamRow:
    team: object
    members: int
    percents: list[int | None]  # per domain; None when the team is too small to show

    @property
    def hidden(self) -> bool:
        return self.members < MIN_GROUP


def organisation_overview(framework: Framework, *, level: int) -> dict[str, list[TeamRow]]:
    """Share achieved per team and domain at `level`, for admins, grouped by
    organisation; teams under MIN_GROUP members show no figures. Two queries."""
    teams = list(
        Team.objects.annotate(
            member_count=Count(
                "memberships", filter=models_q(memberships__role=Membership.Role.MEMBER)
            )
        )
    )
    achieved: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        Rating.objects.filter(
            level=level, status=Status.ACHIEVED, user__memberships__role=Membership.Role.MEMBER
        )
        .values_list("user__memberships__team", "domain")
        .annotate(n=Count("id"))
    )
    for team_id, domain, n in rows:
        achieved[(team_id, domain)] += n
    overview: dict[str, list[TeamRow]] = defaultdict(list)
    for team in teams:
        percents: list[int | None] = []
        for domain in framework.domains:
            possible = team.member_count * len(framework.items[(level, domain.number)])
            if team.member_count < MIN_GROUP or not possible:
                percents.append(None)
            else:
                percents.append(round(100 * achieved[(team.pk, domain.number)] / possible))
        overview[team.organisation].append(TeamRow(team, team.member_count, percents))
    return dict(overview)
