"""Reads for the team report and the organisation overview.

The team report shows one page of members at a time; the team-wide figures
(per-domain share achieved, top gaps) are counted in the database, so the cost
does not depend on how many members the team has.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from ..items import ITEM_REF, FrameworkView, Item, achieved_in, item_ref
from ..models import Membership, Rating, Status, Team
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


def achieved_counts(members, level: int) -> dict[int, int]:
    """Members who achieved each item at `level`, by Item.ref; one query, read from the
    rating_team_statuses index alone."""
    return dict(
        Rating.objects.filter(
            user__in=members.values("user_id"), level=level, status=Status.ACHIEVED
        )
        .values(ref=ITEM_REF)
        .annotate(n=Count("*"))
        .values_list("ref", "n")
    )


def team_report(
    team,
    framework: FrameworkView,
    *,
    level: int,
    domain: int | None = None,
    job_role: str = "",
    page: str | int | None = 1,
) -> TeamReport:
    """Four queries whatever the team size: member count, one page of members, their
    ratings at `level`, and the team-wide achieved counts per item."""
    items = [i for i in framework.items_at(level) if domain is None or i.domain == domain]
    members = Membership.objects.members_of(team, job_role=job_role)
    paginator = Paginator(
        members.select_related("user").in_member_order(),
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
    count = paginator.count
    achieved = achieved_counts(members, level)
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
    team: object
    members: int
    percents: list[int | None]  # per domain; None when the team is too small to show

    @property
    def hidden(self) -> bool:
        return self.members < MIN_GROUP


def organisation_overview(framework: FrameworkView, *, level: int) -> dict[object, list[TeamRow]]:
    """Share achieved per team and domain at `level`, for admins, grouped by
    organisation; teams under MIN_GROUP members show no figures. Counted item by item
    (items.achieved_in), as the team report counts. Two queries."""
    teams = list(
        Team.objects.select_related("organisation").annotate(
            member_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MEMBER))
        )
    )
    achieved: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Rating.objects.filter(
            level=level, status=Status.ACHIEVED, user__memberships__role=Membership.Role.MEMBER
        )
        .values("user__memberships__team", ref=ITEM_REF)
        .annotate(n=Count("*"))
        .values_list("user__memberships__team", "ref", "n")
    )
    for team_id, ref, n in rows:
        achieved[team_id][ref] = n
    overview: dict[object, list[TeamRow]] = defaultdict(list)  # by Organisation
    for team in teams:
        percents: list[int | None] = []
        for domain in framework.domains:
            items = framework.items[(level, domain.number)]
            possible = team.member_count * len(items)
            if team.member_count < MIN_GROUP or not possible:
                percents.append(None)
            else:
                percents.append(round(100 * achieved_in(items, achieved[team.pk]) / possible))
        overview[team.organisation].append(TeamRow(team, team.member_count, percents))
    return dict(overview)
