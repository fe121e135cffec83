"""The catalogue's own rules, as a user of admin or the loader meets them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from catalogue.labels import pounds
from catalogue.models import Course, Domain
from tests.factories import (
    CompetencyFactory,
    CourseFactory,
    CoverageFactory,
    DomainFactory,
    FeeFactory,
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
