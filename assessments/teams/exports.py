"""The team's heat map and team plan as spreadsheet rows. The heat map streams:
members and ratings are read with values_list().iterator() in the same order and
merged, so memory stays flat however large the team."""

from collections.abc import Iterator

from ..items import Item
from ..models import JobRole, Membership, Rating, Status

ORDER = ("user__last_name", "user__first_name", "user__username", "user_id")

STATUS_LABEL = dict(Status.choices)

ROLE_LABEL = dict(JobRole.choices)


def item_label(item: Item) -> str:
    return item.title if item.is_whole_domain else f"{item.code} {item.title}"


def heatmap_rows(team, items: list[Item], *, level: int, job_role: str = "") -> Iterator[list]:
    """The header, then one row per member: name, job role, a status label per item."""
    yield ["Member", "Job role", *(item_label(i) for i in items)]
    members = Membership.objects.filter(team=team, role=Membership.Role.MEMBER)
    ratings = Rating.objects.filter(
        user__memberships__team=team, user__memberships__role=Membership.Role.MEMBER, level=level
    )
    if job_role:
        members = members.filter(user__job_role=job_role)
        ratings = ratings.filter(user__job_role=job_role)
    people = members.order_by(*ORDER).values_list(
        "user_id", "user__username", "user__first_name", "user__last_name", "user__job_role"
    )
    statuses = ratings.order_by(*ORDER).values_list(
        "user_id", "domain_id", "competency_id", "status"
    )
    rating_iter = iter(statuses.iterator(chunk_size=2000))
    pending = next(rating_iter, None)
    for user_id, username, first, last, role in people.iterator(chunk_size=2000):
        mine = {}
        while pending is not None and pending[0] == user_id:
            mine[(pending[1], pending[2])] = pending[3]
            pending = next(rating_iter, None)
        name = f"{first} {last}".strip() or username
        yield [
            name,
            ROLE_LABEL.get(role, ""),
            *(
                STATUS_LABEL[mine.get((i.domain, i.competency_id), Status.NOT_ASSESSED)]
                for i in items
            ),
        ]


def plan_rows(plan) -> Iterator[list]:
    yield [
        "Course",
        "What to take",
        "Members",
        "Who",
        "Member-gaps closed",
        "Total standard fee (£)",
        "Total NHS-funded fee (£)",
        "Members with no published fee",
    ]
    for course in plan.courses:
        yield [
            course.option.course,
            course.option.label,
            len(course.members),
            "; ".join(course.members),
            course.gaps_closed,
            course.standard,
            course.nhs,
            course.unpublished,
        ]
    yield []
    yield ["Not covered by any listed course", "Members missing it"]
    for item, count in plan.unmet:
        yield [item_label(item), count]
