"""Reads for the team pages, returning dataclasses.

The team report shows one page of members at a time; the team-wide figures
(per-domain share achieved, top gaps) are counted in the database, so the cost
does not depend on how many members the team has.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count

from .models import Membership, Rating, Status
from .progress import Framework, Item

PER_PAGE = 25
# Symbol, words and a tint per status: the heat map never relies on colour alone.
SYMBOL = {
    Status.ACHIEVED: ("✔", "Achieved", "hm-achieved"),
    Status.WORKING_TOWARDS: ("◐", "Working towards", "hm-working"),
    Status.NOT_ASSESSED: ("○", "Not yet assessed", "hm-none"),
}


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
    statuses = {
        (user_id, domain_id, competency_id): status
        for user_id, domain_id, competency_id, status in Rating.objects.filter(
            user__in=[m.user_id for m in memberships], level=level
        ).values_list("user_id", "domain_id", "competency_id", "status")
    }
    for membership in memberships:
        membership.cells = [
            SYMBOL[
                statuses.get(
                    (membership.user_id, item.domain, item.competency_id), Status.NOT_ASSESSED
                )
            ]
            for item in items
        ]
    count = paginator.count
    achieved = {
        (row["domain"], row["competency"]): row["n"]
        for row in Rating.objects.filter(
            user__in=members.values("user_id"), level=level, status=Status.ACHIEVED
        )
        .values("domain", "competency")
        .annotate(n=Count("id"))
    }
    report = TeamReport(level, items, current, count)
    for d in framework.domains:
        mine = framework.items[(level, d.number)]
        done = sum(achieved.get((i.domain, i.competency_id), 0) for i in mine)
        report.summaries.append(DomainSummary(d.number, d.name, len(mine), done, count * len(mine)))
    gaps = [
        TopGap(item, count - achieved.get((item.domain, item.competency_id), 0))
        for item in framework.items_at(level)
    ]
    report.top_gaps = sorted(
        (g for g in gaps if g.missing), key=lambda g: (-g.missing, g.item.code)
    )[:10]
    return report
