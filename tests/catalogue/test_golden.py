"""The shipped fixtures against their sources. Course figures and coverage reasons are
checked here against the seeds (shared/seeds); facts about the framework that no seed
gives (the publishers, the total of 63, the domain names, Domain 1's codes, the 1.01
heading and gist) come from public reports and the publishers' pages, and the
fixtures say so (Framework.sources, Wording.source), which is checked too."""

from decimal import Decimal

import pytest

from catalogue.completeness import framework_completeness
from catalogue.models import Competency, Course, Coverage, Domain, Level, Wording

pytestmark = pytest.mark.django_db


def test_framework_has_three_levels_seven_domains_and_declares_63(catalogue):
    assert list(Level.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert list(Domain.objects.values_list("name", flat=True)) == [
        "Relationship-based practice",
        "Normal and atypical development",
        "Factors that influence caregiving capacity",
        "Assessment of caregiving",
        "Supporting caregiving",
        "Reflective practice and supervision",
        "Working within relevant legal and professional frameworks",
    ]
    completeness = framework_completeness()
    assert completeness.declared == 63
    assert completeness.line == "the wording of 2 of 63 competencies"


def test_only_domain_one_has_codes_and_only_its_size_is_known(catalogue):
    codes = list(Competency.objects.values_list("code", flat=True))
    assert codes == [f"1.{n:02d}" for n in range(1, 11)]
    assert Domain.objects.get(number=1).declared_size == 10
    assert set(Domain.objects.exclude(number=1).values_list("declared_size", flat=True)) == {None}


def test_only_the_known_heading_and_the_two_known_competencies_are_worded(catalogue):
    headed = dict(Competency.objects.exclude(heading="").values_list("code", "heading"))
    assert headed == {code: "Collaborative working" for code in ("1.01", "1.02", "1.03")}
    assert list(Wording.objects.values_list("competency__code", "level")) == [
        ("1.01", 1),
        ("1.07", 1),
    ]
    quoted = Wording.objects.get(competency__code="1.07")
    assert quoted.knowledge.startswith("Knowledge of the importance of recognizing infant verbal")
    assert quoted.ability.endswith("observe, understand and communicate effectively with infants.")


def test_glasgow_fees_are_the_seed_figures_side_by_side(catalogue):
    fees = Course.objects.get(slug="glasgow-imh-msc").fees.values_list(
        "label", "standard", "nhs_funded"
    )
    assert list(fees) == [
        ("MSc", Decimal("15000"), Decimal("11130")),
        ("PGDip", Decimal("10000"), Decimal("7420")),
        ("PGCert", Decimal("5000"), Decimal("3710")),
        ("20 credits", Decimal("1667"), Decimal("1237")),
    ]


def test_glasgow_modules_add_up_to_each_award(catalogue):
    modules = Course.objects.get(slug="glasgow-imh-msc").modules.all()
    by_year = {year: [m for m in modules if m.year == year] for year in (1, 2, 3)}
    assert sum(m.credits for m in by_year[1]) == 60  # the PGCert year
    core_2 = sum(m.credits for m in by_year[2] if m.kind == "core")
    assert core_2 + 20 == 60  # plus one 20-credit option makes the PGDip year
    assert {m.credits for m in by_year[3]} == {60}  # dissertation or practice


def test_other_courses_carry_their_seed_figures_and_say_what_is_unpublished(catalogue):
    northampton = Course.objects.get(slug="northampton-pgcert")
    nes = Course.objects.get(slug="nes-imh-elearning")
    imhol = Course.objects.get(slug="warwick-imhol")
    assert northampton.fees.get().standard == Decimal("2550")
    assert northampton.fees.get().nhs_funded is None
    # Seed 001 calls it "7-month" but dates it January to September 2023: both shown.
    assert northampton.duration_label == (
        "7–9 months (called a 7-month course; its announced dates run January to September)"
    )
    assert northampton.starts.startswith("January 2023, the one run the university announced")
    assert northampton.mode_label == "not published"
    assert nes.fees.get().standard == 0
    assert nes.duration_label == "2–4 hours of practitioner time"
    assert imhol.fees.get().standard is None
    assert imhol.duration_label == "not published"
    assert imhol.endorser_label == "none published"


def test_every_coverage_row_gives_a_reason(catalogue):
    assert Coverage.objects.count() > 0
    assert not Coverage.objects.filter(reason="").exists()


def test_imhol_does_not_claim_what_its_learners_asked_for_more_training_in(catalogue):
    imhol = Coverage.objects.filter(course__slug="warwick-imhol")
    refused = imhol.filter(grade=Coverage.Grade.NOT_OFFERED)
    assert refused.filter(competency__code="1.07").exists()  # observational skills
    assert refused.filter(domain=6, competency=None).exists()  # reflective supervision
    assert refused.filter(domain=3, competency=None).exists()  # transgenerational trauma
    offered = imhol.offered()
    assert not offered.filter(domain__in=[3, 6]).exists()
    assert not offered.filter(competency__code="1.07").exists()


def test_glasgow_does_not_claim_supervising_others(catalogue):
    row = Coverage.objects.get(course__slug="glasgow-imh-msc", level=3, domain=6)
    assert row.grade == Coverage.Grade.NOT_OFFERED
    assert "theories of supervision" in row.reason


def test_the_framework_says_where_each_fact_comes_from_and_the_page_shows_it(client, catalogue):
    from catalogue.models import Framework

    sources = Framework.objects.get().sources
    for fact in ("introduction", "63", "launch", "Collaborative working", "Domain 1"):
        assert fact in sources
    assert "level names" in sources and "supervise and manage" in sources  # audit A3
    page = client.get("/framework/").content.decode()
    assert 'data-testid="framework-sources"' in page and "reports of the launch" in page


def test_course_records_say_no_more_than_their_seeds(catalogue):
    """Seed audit A2 and A4: no recurring intake invented, no platform or country added,
    what the employer provides is not an entry requirement, the weekly quiz and who
    leads or developed each course are there."""
    glasgow = Course.objects.get(slug="glasgow-imh-msc")
    nes = Course.objects.get(slug="nes-imh-elearning")
    northampton = Course.objects.get(slug="northampton-pgcert")
    imhol = Course.objects.get(slug="warwick-imhol")
    assert "internet" not in glasgow.entry_requirements and "internet" in glasgow.delivery
    assert glasgow.assessment.startswith("A weekly quiz counts as summative assessment.")
    assert "Fiona Sim" in glasgow.summary
    assert "Scotland" not in nes.summary and "Turas Learn" not in nes.delivery + nes.link_text
    assert "not the same as the IMHCF's Level 1" in nes.summary
    assert northampton.title.startswith("Postgraduate Certificate in Advanced Practice")
    assert "Eunice Lumsden" in northampton.summary
    assert "Parent Infant Interaction Observation Scale" in imhol.summary
    assert not northampton.outcomes.filter(text__contains="and develops").exists()


# Seed audit A1, row by row: each shipped coverage link, its grade, and the source fact
# its reason must name (module and credits, the programme outcome, or which record).
AUDITED_ROWS = [
    ("glasgow-imh-msc", 1, 1, None, "outcome", "Learning outcomes: understand why relationships"),
    (
        "glasgow-imh-msc",
        2,
        1,
        None,
        "optional",
        "Optional module Clinical Skills in Infant Mental Health (20 credits",
    ),
    ("glasgow-imh-msc", 1, 1, "1.07", "outcome", "Core module Infant Observation (10 credits"),
    ("glasgow-imh-msc", 2, 1, "1.07", "outcome", "the record gives its title and credits only"),
    (
        "glasgow-imh-msc",
        1,
        2,
        None,
        "core",
        "Fundamentals of Infant Mental Health and Development (10 credits",
    ),
    (
        "glasgow-imh-msc",
        2,
        2,
        None,
        "outcome",
        "Infant Mental Health and Neurodevelopment in Practice (20 credits",
    ),
    ("glasgow-imh-msc", 1, 3, None, "outcome", "Systems Around the Infant (20 credits"),
    ("glasgow-imh-msc", 2, 3, None, "outcome", "The record does not say which module teaches it"),
    (
        "glasgow-imh-msc",
        1,
        4,
        None,
        "outcome",
        "how mental health conditions in infancy are identified",
    ),
    ("glasgow-imh-msc", 2, 4, None, "outcome", "a basic formulation and intervention plan"),
    ("glasgow-imh-msc", 1, 5, None, "outcome", "judge how useful current interventions are"),
    (
        "glasgow-imh-msc",
        2,
        5,
        None,
        "optional",
        "Optional module Infant Mental Health Intervention Training",
    ),
    ("glasgow-imh-msc", 1, 6, None, "outcome", "supervision is not named at Level 1"),
    ("glasgow-imh-msc", 2, 6, None, "outcome", "supervision logs belong to the practice route"),
    ("glasgow-imh-msc", 3, 6, None, "not_offered", "theories of supervision"),
    ("glasgow-imh-msc", 1, 7, None, "not_offered", "the Mental Health Act"),
    ("northampton-pgcert", 1, 2, None, "topic", "the structure of an infant's brain"),
    ("northampton-pgcert", 2, 2, None, "topic", "atypical development is not named"),
    ("northampton-pgcert", 1, 3, None, "topic", "harm, abuse and poverty"),
    ("northampton-pgcert", 2, 3, None, "topic", '"Advanced Practi'),
    ("northampton-pgcert", 1, 5, None, "topic", "how families can help ensure good mental health"),
    ("northampton-pgcert", 2, 5, None, "topic", "at advanced-practice level"),
    ("nes-imh-elearning", 1, 1, None, "outcome", "Outcome: describe your own role"),
    (
        "nes-imh-elearning",
        1,
        1,
        "1.07",
        "topic",
        "skills-framework mapping includes that children communicate",
    ),
    (
        "nes-imh-elearning",
        1,
        2,
        None,
        "outcome",
        "describe and define infant mental health and attachment",
    ),
    ("nes-imh-elearning", 1, 3, None, "outcome", "discuss what shapes infant mental health"),
    ("nes-imh-elearning", 1, 4, None, "outcome", "(attachment only)"),
    ("nes-imh-elearning", 1, 5, None, "outcome", "encourage positive parent-infant relationships"),
    ("nes-imh-elearning", 1, 7, None, "outcome", "Scotland only"),
    ("warwick-imhol", 1, 4, None, "topic", "learners asked for more training in observation"),
    ("warwick-imhol", 1, 5, None, "topic", "begin developing the skills to promote"),
    ("warwick-imhol", 1, 1, "1.07", "not_offered", "more training in observational skills"),
    ("warwick-imhol", 1, 3, None, "not_offered", "transgenerational transfer of trauma"),
    ("warwick-imhol", 2, 6, None, "not_offered", "reflective supervision"),
]


@pytest.mark.parametrize(("course", "level", "domain", "code", "grade", "fact"), AUDITED_ROWS)
def test_each_audited_coverage_row_has_its_grade_and_names_its_source_fact(
    catalogue, course, level, domain, code, grade, fact
):
    row = Coverage.objects.get(
        course__slug=course, level=level, domain=domain, competency__code=code
    )
    assert (row.grade, fact in row.reason) == (grade, True), row.reason


def test_every_shipped_coverage_row_is_audited(catalogue):
    shipped = {
        (r.course.slug, r.level_id, r.domain_id, r.competency.code if r.competency else None)
        for r in Coverage.objects.select_related("course", "competency")
    }
    assert shipped == {row[:4] for row in AUDITED_ROWS}


def test_coverage_claims_no_more_than_the_records_support(catalogue):
    """Seed audit A1: no course record maps itself to the IMHCF, so only one link closes
    a gap: Glasgow L1 D2, two core modules and an outcome that together describe the
    whole domain. Glasgow L1 D6 no longer does: its core module and outcome are about
    reflection, and the domain is reflection and supervision. The invented reason
    (observation "practised and assessed") and the invented link (an outcome placed in
    Systems Around the Infant) are gone; every use of Glasgow's own "not included" says
    what it may mean."""
    closing = [r for r in Coverage.objects.all() if r.closes]
    assert sorted((r.course.slug, r.level_id, r.domain_id, r.competency_id) for r in closing) == [
        ("glasgow-imh-msc", 1, 2, None),
    ]
    assert not Coverage.objects.filter(reason__contains="practised and assessed").exists()
    l2_d3 = Coverage.objects.get(course__slug="glasgow-imh-msc", level=2, domain=3)
    assert l2_d3.module is None and "Systems Around the Infant" not in l2_d3.reason
    for row in Coverage.objects.filter(
        course__slug="glasgow-imh-msc", grade=Coverage.Grade.NOT_OFFERED
    ):
        assert 'may mean "not assessed"' in row.reason
    assert not Coverage.objects.filter(reason__contains="seed").exists()  # users read it
