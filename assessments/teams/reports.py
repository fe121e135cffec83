"""Reads for the team report and the organisation overview.

The team report shows one page of members at a time; the team-wide figures
(per-domain share achieved, top gaps) and the overview's come from the team tallies
(models.tallies), so their cost does not depend on how many members or ratings there
are.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Expression,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from ..items import ITEM_REF, FrameworkView, Item, achieved_in, item_ref
from ..models import MEMBERS, Membership, Rating, Status, Team, TeamTally
from ..models.tallies import COMPETENCIES
from . import tallies
from .heatmap import row_cells

PER_PAGE = 25


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
class MemberRow:
    """One member's row of the heat map."""

    membership: Membership
    cells: str  # safe HTML from heatmap.row_cells


@dataclass
class TeamReport:
    level: int
    items: list[Item]  # the columns shown (a domain's, or all)
    page: Page  # of Membership: the page's place among all the pages
    rows: list[MemberRow]  # the page's members with their cells
    member_count: int
    summaries: list[DomainSummary] = field(default_factory=list)
    top_gaps: list[TopGap] = field(default_factory=list)
    # Domains now rated competency by competency that members had achieved as a whole
    # before the wording was added: (domain, members). Their answers count again once
    # each member confirms them (the grid offers the old answer as the starting point).
    achieved_as_whole: list[tuple[object, int]] = field(default_factory=list)


def team_report(
    team,
    framework: FrameworkView,
    *,
    level: int,
    domain: int | None = None,
    job_role: str = "",
    page: str | int | None = 1,
) -> TeamReport:
    """Three queries whatever the team size: the team's tallies (member count and
    achieved counts per item), one page of members, and their ratings at `level`."""
    items = [i for i in framework.items_at(level) if domain is None or i.domain == domain]
    counts = tallies.team_counts(team.pk, level=level, job_role=job_role)
    members = Membership.objects.members_of(team, job_role=job_role)
    paginator = Paginator(members.select_related("user").in_member_order(), PER_PAGE)
    paginator.count = counts.members  # the tally, instead of counting the memberships
    current = paginator.get_page(page)
    memberships = list(current.object_list)
    current.object_list = memberships
    # A missing row reads as "not yet assessed", so those rows need not be read.
    statuses = {
        (user_id, ref): status
        for user_id, ref, status in Rating.objects.filter(
            user__in=[m.user_id for m in memberships], level=level
        )
        .exclude(status=Status.NOT_ASSESSED)
        .annotate(ref=ITEM_REF)
        .values_list("user_id", "ref", "status")
    }
    refs = [i.ref for i in items]
    rows = [
        MemberRow(
            m, row_cells([statuses.get((m.user_id, ref), Status.NOT_ASSESSED) for ref in refs])
        )
        for m in memberships
    ]
    count = counts.members
    achieved = counts.achieved
    report = TeamReport(level, items, current, rows, count)
    for d in framework.domains:
        if domain is not None and d.number != domain:
            continue  # every panel follows the filters
        mine = framework.items[(level, d.number)]
        before = achieved.get(item_ref(d.number, None), 0)
        if mine and not mine[0].is_whole_domain and before:
            report.achieved_as_whole.append((d, before))
        done = achieved_in(mine, achieved)
        report.summaries.append(DomainSummary(d.number, d.name, len(mine), done, count * len(mine)))
    gaps = [TopGap(item, count - achieved.get(item.ref, 0)) for item in items]
    report.top_gaps = sorted(
        (g for g in gaps if g.missing), key=lambda g: (-g.missing, g.item.code)
    )[:10]
    return report


MIN_GROUP = 3  # aggregates over fewer people than this could single someone out


@dataclass
class TeamRow:
    team: object  # with member_count
    percents: list[int | None]  # per domain; None when the team is too small to show
    domains: tuple[int, ...] = ()  # the numbers of the domains `percents` are for

    @property
    def by_domain(self) -> list[tuple[int, int | None]]:
        """(domain number, percent) pairs: each cell knows its column (phone layout)."""
        return list(zip(self.domains, self.percents, strict=True))

    @property
    def members(self) -> int:
        return self.team.member_count

    @property
    def hidden(self) -> bool:
        return self.members < MIN_GROUP


SORTS = {
    "name": "Team name",
    "size": "Members, most first",
    "share": "Share achieved, highest first",
    "share_low": "Share achieved, lowest first",
}


@dataclass
class Overview:
    organisation: object
    level: int
    page: Page  # of TeamRow
    teams: int  # teams in the organisation (matching the search)
    member_places: int  # members of those teams, a person on two teams counted twice


def _share(framework: FrameworkView, level: int) -> Expression:
    """What a team's members have achieved of the items at `level` per member, as the
    overview sorts by it (the same order as the share of every item); -1 for a team too
    small to show. When every item is a competency, one subquery per team reads its
    members and its competencies achieved from the same few rows (ref 0 at level 0 and
    at `level`, one per job role: an index-only read); where some domain is still rated
    as a whole, its items' own rows."""
    items = framework.items_at(level)
    if all(not item.is_whole_domain for item in items):
        rows = TeamTally.objects.filter(ref=COMPETENCIES, level__in=[MEMBERS[0], level])
        achieved = Sum("people", filter=Q(level=level))
    else:
        refs = [item.ref for item in items]
        rows = TeamTally.objects.filter(
            Q(level=MEMBERS[0], ref=MEMBERS[1]) | Q(level=level, ref__in=refs)
        )
        achieved = Sum("people", filter=Q(level=level))
    members = Sum("people", filter=Q(level=MEMBERS[0]))
    per_team = (
        rows.filter(team_id=OuterRef("pk"))
        .values("team_id")
        .annotate(members=members, achieved=achieved)
        .annotate(
            share=Case(
                When(Q(members__lt=MIN_GROUP) | Q(members__isnull=True), then=Value(-1.0)),
                default=Cast(Coalesce("achieved", 0), FloatField()) / Cast("members", FloatField()),
                output_field=FloatField(),
            )
        )
        .values("share")
    )
    return Coalesce(Subquery(per_team), Value(-1.0), output_field=FloatField())


def organisation_overview(
    organisation,
    framework: FrameworkView,
    *,
    level: int,
    sort: str = "name",
    search: str = "",
    page: str | int | None = 1,
) -> Overview:
    """One page of an organisation's teams with their share achieved per domain at
    `level`, sorted by name, size or share; teams under MIN_GROUP members show no
    figures and sort as if they had none. Read from the tallies, never the ratings:
    four queries whatever the number of teams or members (count, page, its tallies,
    the organisation's member places)."""
    teams = Team.objects.filter(organisation=organisation)
    if search:
        teams = teams.filter(name__icontains=search)
    member_rows = TeamTally.objects.filter(level=MEMBERS[0], ref=MEMBERS[1])
    teams = teams.annotate(
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
    if sort in ("share", "share_low"):
        teams = teams.annotate(share=_share(framework, level))
        order = ["-share" if sort == "share" else "share", "name", "pk"]
    elif sort == "size":
        order = ["-member_count", "name", "pk"]
    else:
        order = ["name", "pk"]
    paginator = Paginator(teams.order_by(*order), PER_PAGE)
    current = paginator.get_page(page)
    shown = list(current.object_list)
    refs = {
        d.number: [item.ref for item in framework.items[(level, d.number)]]
        for d in framework.domains
    }
    counts = tallies.teams_by_domain([t.pk for t in shown], level=level, refs=refs)
    rows = []
    for team in shown:
        _, achieved = counts[team.pk]
        percents: list[int | None] = []
        for domain in framework.domains:
            possible = team.member_count * len(refs[domain.number])
            if team.member_count < MIN_GROUP or not possible:
                percents.append(None)
            else:
                percents.append(round(100 * achieved.get(domain.number, 0) / possible))
        rows.append(TeamRow(team, percents, tuple(d.number for d in framework.domains)))
    current.object_list = rows
    return Overview(organisation, level, current, paginator.count, tallies.member_places(teams))
