"""The team's heat map and team plan as spreadsheet rows. The heat map streams:
members and ratings are read with values_list().iterator() in the same order and
merged, so memory stays flat however large the team."""

from collections.abc import Iterator

from ..items import Item, item_ref
from ..models import MEMBER_ORDER, JobRole, Membership, Rating, Status, display_name

STATUS_LABEL = dict(Status.choices)  # Status(x).label, without an enum lookup per cell
ROLE_LABEL = dict(JobRole.choices)


def heatmap_rows(
    team, items: list[Item], *, level: int, job_role: str = "", title: str = ""
) -> Iterator[list]:
    """A title row (what this is: team, level, filters) and a blank row, the header,
    then one row per member: name, job role, a status label per item."""
    if title:
        yield [title]
        yield []
    yield ["Member", "Job role", *(i.label for i in items)]
    members = Membership.objects.members_of(team, job_role=job_role)
    ratings = Rating.objects.filter(user__in=members.values("user_id"), level=level)
    people = members.order_by(*MEMBER_ORDER).values_list(
        "user_id", "user__username", "user__first_name", "user__last_name", "user__job_role"
    )
    statuses = ratings.order_by(*MEMBER_ORDER).values_list(
        "user_id", "domain_id", "competency_id", "status"
    )
    rating_iter = iter(statuses.iterator(chunk_size=2000))
    pending = next(rating_iter, None)
    refs = [i.ref for i in items]
    for user_id, username, first, last, role in people.iterator(chunk_size=2000):
        mine = {}
        while pending is not None and pending[0] == user_id:
            mine[item_ref(pending[1], pending[2])] = pending[3]
            pending = next(rating_iter, None)
        yield [
            display_name(first, last, username),
            ROLE_LABEL.get(role, ""),
            *(STATUS_LABEL[mine.get(ref, Status.NOT_ASSESSED)] for ref in refs),
        ]


PLACE_HEADER = [
    "Course",
    "Provider",
    "What to take",
    "Members",
    "Who",
    "Member-gaps closed",
    "Member-gaps contributed to (not closed)",
    "Total standard fee (£)",
    "Total NHS-funded fee (£)",
    "Members with no published standard fee",
    "Members with no published NHS-funded fee",
    "How the fee was found",
]


def place_row(place) -> list:
    """One option given to members (team_plan.Place), as the team plan's and the budget
    plan's files show it."""
    return [
        place.option.course_title,
        place.option.provider,
        place.option.label,
        len(place.members),
        "; ".join(place.members),
        place.closes,
        place.contributes,
        place.standard,
        place.nhs,
        place.unpublished,
        place.nhs_unpublished,
        place.option.fee_assumption or "published by the provider",
    ]


def plan_rows(plan) -> Iterator[list]:
    yield PLACE_HEADER
    for course in plan.courses:
        yield place_row(course)
    yield []
    yield ["Not covered by any listed course", "Members missing it"]
    for item, count in plan.unmet:
        yield [item.label, count]


def budget_rows(team, plan) -> Iterator[list]:
    """The funded places: a title block naming the team, level, budget and choices, then
    one row per place, then the totals and what stays open."""
    scale = "NHS-funded" if plan.nhs else "standard"
    yield [f"Funded places for {team.name}, Level {plan.level}"]
    yield ["Budget (£)", plan.budget, f"chosen on {scale} fees"]
    yield ["Fund places for", plan.who_label]
    yield [
        "Solved exactly"
        if plan.result.proven
        else "Best found in the time allowed, not proven best"
    ]
    yield []
    yield [*PLACE_HEADER, "With a training record of it"]
    for place in plan.places:
        yield [*place_row(place), "; ".join(place.recorded)]
    yield []
    yield ["Total spent (£)", plan.result.fee]
    yield ["Member-gaps closed", plan.result.closed]
    yield ["Member-gaps contributed to, not closed", plan.contributed]
    yield ["Member-gaps reached by nothing in this plan", plan.not_reached]
