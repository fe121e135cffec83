"""What the gaps page and the plan page show, read and computed for one practitioner:
the framework and their answers (items, ratings), the offers (three queries), the
gaps, and for the plan the optimiser's choice. The views only render these."""

from dataclasses import dataclass

from ..items import load_framework
from ..models import User
from ..ratings.progress import Answer, Progress, answers_by_key, progress
from .gaps import Gap, GapGroup, find_gaps, group_gaps
from .offers import CourseOffer, build_options, read_offers
from .optimiser import Option, Plan, best_plan


@dataclass(frozen=True)
class GapsPage:
    gaps: list[Gap]
    groups: list[GapGroup]
    courses: list[CourseOffer]  # every course covering one or more gaps, by title
    uncovered: list[Gap]  # gaps no listed course covers: shown, never hidden
    target: int


def practitioner_gaps(user: User) -> GapsPage:
    framework = load_framework()
    offers = read_offers()
    found = find_gaps(framework, answers_by_key(user), user.target_level, offers)
    covering = {m.row.course_id for g in found for m in g.matches}
    courses = [
        CourseOffer(course, offers.fee_summary(pk))
        for pk, course in sorted(offers.courses.items(), key=lambda i: i[1].title)
        if pk in covering
    ]
    uncovered = [g for g in found if not g.matches]
    return GapsPage(found, group_gaps(found, framework), courses, uncovered, user.target_level)


@dataclass(frozen=True)
class ChosenOption:
    option: Option
    gaps: list[Gap]  # the practitioner's gaps it covers


@dataclass(frozen=True)
class PlanPage:
    objective: str
    nhs: bool
    plan: Plan
    chosen: list[ChosenOption]
    uncovered: list[Gap]
    gap_count: int
    target: int
    progress: Progress
    highlights: list[Answer]  # up to ten answers with evidence, for the appraisal


def practitioner_plan(user: User, *, objective: str, nhs: bool) -> PlanPage:
    framework = load_framework()
    answers = answers_by_key(user)
    offers = read_offers()
    found = find_gaps(framework, answers, user.target_level, offers)
    options = build_options(found, offers, nhs=nhs)
    plan = best_plan(frozenset(g.key for g in found), options, objective)
    by_key = {g.key: g for g in found}
    chosen = [
        ChosenOption(option, [by_key[k] for k in sorted(option.covers & plan.covered)])
        for option in plan.chosen
    ]
    return PlanPage(
        objective=objective,
        nhs=nhs,
        plan=plan,
        chosen=chosen,
        uncovered=[by_key[k] for k in sorted(plan.uncovered)],
        gap_count=len(found),
        target=user.target_level,
        progress=progress(framework, answers, user.target_level),
        highlights=[a for a in answers.values() if a.evidence][:10],
    )
