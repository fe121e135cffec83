"""The catalogue's own rules, as a user of admin or the loader meets them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from catalogue.labels import pounds
from catalogue.models import Competency, Course, Domain, Module
from tests.factories import (
    CompetencyFactory,
    CourseFactory,
    CoverageFactory,
    DomainFactory,
    FeeFactory,
    LevelFactory,
    ModuleFactory,
    WordingFactory,
)

pytestmark = pytest.mark.django_db


def test_negative_fee_is_refused_with_a_plain_message():
    fee = FeeFactory.build(course=CourseFactory(), standard=Decimal("-1"))
    with pytest.raises(ValidationError) as caught:
        fee.full_clean()
    assert caught.value.message_dict["standard"] == ["A fee cannot be negative; use 0 for free."]


def test_database_refuses_a_negative_fee_even_past_validation():
    with pytest.raises(IntegrityError):
        FeeFactory(standard=Decimal("-5"))


def test_competency_code_must_look_like_a_code():
    competency = CompetencyFactory.build(domain=DomainFactory(number=1), code="1.7")
    with pytest.raises(ValidationError) as caught:
        competency.full_clean()
    assert "Use the form 1.07" in caught.value.message_dict["code"][0]


def test_competency_code_must_match_its_domain():
    competency = CompetencyFactory.build(domain=DomainFactory(number=2), code="1.07")
    with pytest.raises(ValidationError) as caught:
        competency.full_clean()
    assert caught.value.message_dict["code"] == ["Code 1.07 does not belong to domain 2."]


def test_coverage_of_a_competency_must_name_its_own_domain():
    competency = CompetencyFactory(domain=DomainFactory(number=1), code="1.07")
    row = CoverageFactory.build(
        course=CourseFactory(), domain=DomainFactory(number=2), competency=competency
    )
    row.level_id = 1
    with pytest.raises(ValidationError) as caught:
        row.full_clean(exclude=["level"])
    assert caught.value.message_dict["competency"] == ["1.07 is in domain 1, not domain 2."]


def test_coverage_module_must_belong_to_the_same_course():
    row = CoverageFactory(domain=DomainFactory(number=1))
    row.module = ModuleFactory(course=CourseFactory())
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "same course" in caught.value.message_dict["module"][0]


def test_one_coverage_row_per_course_level_and_domain():
    row = CoverageFactory(domain=DomainFactory(number=3))
    with pytest.raises(IntegrityError):
        CoverageFactory(course=row.course, level=row.level, domain=row.domain)


def test_course_shortest_time_cannot_exceed_longest():
    course = CourseFactory.build(
        provider=CourseFactory().provider,
        duration_min=Decimal("5"),
        duration_max=Decimal("2"),
        duration_unit=Course.Unit.HOURS,
    )
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "cannot be longer" in caught.value.message_dict["duration_min"][0]


def test_course_duration_needs_a_unit():
    course = CourseFactory.build(provider=CourseFactory().provider, duration_max=Decimal("3"))
    course.duration_min = Decimal("3")
    with pytest.raises(ValidationError) as caught:
        course.full_clean()
    assert "duration_unit" in caught.value.message_dict


@pytest.mark.parametrize(
    ("amount", "label"),
    [
        (None, "not published"),
        (Decimal("0"), "free"),
        (Decimal("15000"), "£15,000"),
        (Decimal("1666.50"), "£1,666.50"),
    ],
)
def test_money_reads_as_a_person_would_write_it(amount, label):
    assert pounds(amount) == label


def test_duration_label_covers_ranges_fixed_lengths_and_unknowns():
    ranged = CourseFactory.build(
        duration_min=Decimal("2"),
        duration_max=Decimal("4"),
        duration_unit="hours",
        duration_note="of practitioner time",
    )
    fixed = CourseFactory.build(
        duration_min=Decimal("36"),
        duration_max=Decimal("36"),
        duration_unit="months",
        duration_note="part-time",
    )
    unknown = CourseFactory.build()
    assert ranged.duration_label == "2–4 hours of practitioner time"
    assert fixed.duration_label == "36 months part-time"
    assert unknown.duration_label == "not published"


def test_domain_is_complete_at_a_level_only_when_every_competency_is_worded():
    domain = DomainFactory(number=4, declared_size=2)
    first = CompetencyFactory(domain=domain, code="4.01")
    second = CompetencyFactory(domain=domain, code="4.02")
    WordingFactory(competency=first)
    assert not Domain.objects.with_counts().get(number=4).is_complete_at(1)
    WordingFactory(competency=second, level=first.wordings.get().level)
    counted = Domain.objects.with_counts().get(number=4)
    assert counted.is_complete_at(1)
    assert not counted.is_complete_at(2)


def test_domain_of_unknown_size_is_never_complete():
    domain = DomainFactory(number=5, declared_size=None)
    WordingFactory(competency=CompetencyFactory(domain=domain, code="5.01"))
    assert not Domain.objects.with_counts().get(number=5).is_complete_at(1)


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (None, "not published"),
        (Decimal("4"), "4 hours"),
        (Decimal("8766"), "about 12 months"),
        (Decimal("730.5"), "about 1 month"),
    ],
)
def test_time_reads_in_hours_or_months(hours, label):
    from catalogue.labels import elapsed

    assert elapsed(hours) == label


def test_a_fee_without_run_dates_says_nothing_about_a_run():
    assert FeeFactory.build(course=CourseFactory()).run_label == ""


@pytest.mark.parametrize(
    ("starts", "ends", "label"),
    [
        (
            datetime.date(2023, 1, 1),
            datetime.date(2023, 9, 30),
            "for the January–September 2023 run only; that run has ended and no later run is "
            "published",
        ),
        (
            datetime.date(2099, 1, 1),
            datetime.date(2099, 9, 30),
            "for the January–September 2099 run",
        ),
        (
            datetime.date(2098, 9, 1),
            datetime.date(2099, 6, 30),
            "for the September 2098–June 2099 run",
        ),
        (datetime.date(2099, 3, 1), None, "for the run starting March 2099"),
        (None, datetime.date(2099, 3, 31), "for the run ending March 2099"),
        (datetime.date(2099, 3, 1), datetime.date(2099, 3, 31), "for the March 2099 run"),
    ],
)
def test_a_fee_for_one_dated_run_names_it_and_says_once_it_has_ended(starts, ends, label):
    fee = FeeFactory.build(course=CourseFactory(), run_starts=starts, run_ends=ends)
    assert fee.run_label == label


def test_a_run_ends_has_ended_only_once_its_day_is_past():
    today = timezone.localdate()
    fee = FeeFactory.build(course=CourseFactory(), run_starts=today, run_ends=today)
    assert "has ended" not in fee.run_label
    fee.run_ends = fee.run_starts = today - datetime.timedelta(days=1)
    assert "has ended" in fee.run_label


def test_a_run_cannot_end_before_it_starts():
    fee = FeeFactory.build(
        course=CourseFactory(),
        run_starts=datetime.date(2023, 9, 1),
        run_ends=datetime.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        fee.full_clean()
    assert caught.value.message_dict["run_ends"] == ["The run cannot end before it starts."]
    with pytest.raises(IntegrityError):
        fee.save()


def test_a_module_every_learner_of_the_year_takes_says_that_is_our_reading():
    module = ModuleFactory.build(kind=Module.Kind.WHOLE_YEAR, stage="PGCert")
    assert module.kind_label.startswith("Taken by every learner of the year")
    assert "all the credits of the PGCert (our reading of the credits)" in module.kind_label
    assert ModuleFactory.build(kind=Module.Kind.OPTIONAL).kind_label == "Optional"
    assert ModuleFactory.build(kind="").kind_label == "Not stated"


def test_a_whole_year_module_can_carry_a_closing_link_but_an_optional_one_cannot():
    course = CourseFactory()
    year = ModuleFactory(course=course, kind=Module.Kind.WHOLE_YEAR)
    optional = ModuleFactory(course=course, kind=Module.Kind.OPTIONAL)
    where = {"level": LevelFactory(), "domain": DomainFactory()}
    CoverageFactory.build(course=course, module=year, **where).full_clean()
    with pytest.raises(ValidationError) as caught:
        CoverageFactory.build(course=course, module=optional, **where).full_clean()
    assert "is optional" in caught.value.message_dict["grade"][0]


def test_the_course_list_compares_awards_and_course_fees_never_a_rate():
    course = CourseFactory()
    FeeFactory(course=course, label="PGCert", standard=Decimal("5000"), nhs_funded=Decimal("3710"))
    FeeFactory(
        course=course,
        label="per 20 credits",
        credits=20,
        per_credits=True,
        standard=Decimal("1667"),
        nhs_funded=Decimal("1237"),
    )
    rate_only = CourseFactory()
    FeeFactory(course=rate_only, label="per 10 credits", credits=10, per_credits=True)
    keys = {c.pk: (c.lowest_fee, c.lowest_nhs_fee) for c in Course.objects.with_sort_keys()}
    assert keys[course.pk] == (Decimal("5000"), Decimal("3710"))
    assert keys[rate_only.pk] == (None, None)  # no payable price: "not published"
    listed = Course.objects.with_sort_keys().filtered(max_cost=Decimal("2000"))
    assert course not in listed and rate_only not in listed


def test_our_summary_is_not_counted_as_the_frameworks_wording(catalogue):
    from catalogue.completeness import framework_completeness

    domain = Domain.objects.with_counts().get(number=1)
    assert (domain.worded_at(1), domain.quoted_at(1), domain.summarised_at(1)) == (2, 1, 1)
    assert framework_completeness().line == "the wording of 1 of 63 competencies"


def test_migration_0009_renames_the_rate_and_the_term_and_retires_only_the_shipped_rows(
    catalogue,
):
    """Catalogues loaded before seed audit 3: a reload cannot rename a natural key or
    remove a row, so the migration does; a row an admin has since edited stays."""
    import importlib

    from django.apps import apps

    from catalogue.models import Coverage, Fee, Term

    retire = importlib.import_module("catalogue.migrations.0009_retire_unsupported_catalogue_rows")
    rate = Fee.objects.get(course__slug="glasgow-imh-msc", per_credits=True)
    Fee.objects.filter(pk=rate.pk).update(label="20 credits")
    Term.objects.filter(slug="contingent-responsivity").update(slug="contingent-responsiveness")
    shipped = {}
    for course, level, domain, code, reason in retire.RETIRED_ROWS:
        shipped[course] = CoverageFactory(
            course=Course.objects.get(slug=course),
            level_id=level,
            domain_id=domain,
            competency=Competency.objects.get(code=code) if code else None,
            grade=Coverage.Grade.NOT_OFFERED,
            reason=reason,
        )
    Coverage.objects.filter(pk=shipped["warwick-imhol"].pk).update(reason="An admin's own note.")

    retire.forwards(apps, None)

    assert Fee.objects.get(pk=rate.pk).label == "per 20 credits"
    assert Term.objects.filter(slug="contingent-responsivity").exists()
    left = Coverage.objects.filter(pk__in=[row.pk for row in shipped.values()])
    assert list(left.values_list("reason", flat=True)) == ["An admin's own note."]
