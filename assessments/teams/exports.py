"""The team's heat map and team plan as spreadsheet rows. The heat map streams:
members and ratings are read with values_list().iterator() in the same order and
merged, so memory stays flat however large the team."""

from collections.abc import Iterator

from catalogue.labels import pounds

from ..items import Item, item_ref
from ..models import MEMBER_ORDER, JobRole, Membership, Rating, Status, display_name
from ..plans.optimiser import AT_STANDARD

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
    "Standard fee note",
    "NHS-funded fee note",
    "Time each",
    "Time note",
]

AT_STANDARD_MARK = "standard fee: no NHS-funded fee is published"


def total_cell(total, unpublished: int, count: int) -> tuple:
    """A total and its note: (sum, "") when every fee is published, (sum, "+ N not
    published") when some are not, and (None, "not published") when none is, so an
    unknown fee is an empty cell, never 0."""
    if count and unpublished == count:
        return None, "not published"
    return total, f"+ {unpublished} not published" if unpublished else ""


def _joined(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def place_row(place, *, nhs_scale: bool = False) -> list:
    """One option given to members (team_plan.Place), as the team plan's and the budget
    plan's files show it. On an NHS-funded budget plan, a course taken at its standard
    fee (none NHS-funded is published) says so beside its empty NHS-funded total."""
    option, count = place.option, len(place.members)
    standard, standard_note = total_cell(place.standard, place.unpublished, count)
    nhs, nhs_note = total_cell(place.nhs, place.nhs_unpublished, count)
    counted = ""
    if nhs_scale and option.at_standard:
        counted = f"the plan counts the standard fee ({pounds(place.standard)}): {AT_STANDARD_MARK}"
    nhs_published = place.nhs_unpublished < count
    return [
        option.course_title,
        option.provider,
        option.label,
        count,
        "; ".join(place.members),
        place.closes,
        place.contributes,
        standard,
        nhs,
        place.unpublished,
        place.nhs_unpublished,
        option.fee_assumption or "published by the provider",
        _joined(standard_note, option.fee_note),
        _joined(nhs_note, counted, option.fee_note if nhs_published else ""),
        option.time_label,
        option.time_note,
    ]


def _total_rows(places) -> Iterator[list]:
    count = sum(len(p.members) for p in places)
    for label, total, unknown in (
        ("Total standard fee (£)", sum(p.standard for p in places), "unpublished"),
        ("Total NHS-funded fee (£)", sum(p.nhs for p in places), "nhs_unpublished"),
    ):
        value, note = total_cell(total, sum(getattr(p, unknown) for p in places), count)
        yield [label, value, note]


def plan_rows(plan) -> Iterator[list]:
    yield PLACE_HEADER
    for course in plan.courses:
        yield place_row(course)
    yield []
    yield from _total_rows(plan.courses)
    yield []
    yield ["Not covered by any listed course", "Members missing it"]
    for item, count in plan.unmet:
        yield [item.label, count]


def budget_rows(team, plan) -> Iterator[list]:
    """The funded places: a title block naming the team, level, budget and choices, then
    one row per place, then the totals and what stays open."""
    yield [f"Funded places for {team.name}, Level {plan.level}"]
    yield ["Budget (£)", plan.budget, f"chosen on {plan.scale} fees"]
    yield ["Fund places for", plan.who_label]
    yield [
        "The best places for this budget"
        if plan.result.proven
        else "Best found in the time allowed, not proven best"
    ]
    yield []
    yield [*PLACE_HEADER, "With a training record of it"]
    for place in plan.places:
        yield [*place_row(place, nhs_scale=plan.nhs), "; ".join(place.recorded)]
    yield []
    at_standard = ""
    if plan.at_standard_spent:
        at_standard = f"{pounds(plan.at_standard_spent)} of it at {AT_STANDARD}"
    yield ["Total spent (£)", plan.result.fee, at_standard]
    yield from _total_rows(plan.places)
    yield ["Member-gaps closed", plan.result.closed]
    yield ["Member-gaps contributed to, not closed", plan.contributed]
    yield ["Member-gaps reached by nothing in this plan", plan.not_reached]
    yield []
    yield ["Not covered by any listed course", "Members missing it"]
    for item, count in plan.unmet:
        yield [item.label, count]
