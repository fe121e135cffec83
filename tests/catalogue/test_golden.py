"""The shipped fixtures against their sources. Course figures and coverage reasons are
checked here against the seeds (shared/seeds); facts about the framework that no seed
gives (the publishers, the total of 63, the domain names, Domain 1's codes, the 1.01
heading and gist) come from public reports and the publishers' pages, and the
fixtures say so (Framework.sources, Wording.source), which is checked too. Seed audit 3's
findings are pinned here too: a rate is not a price, a fee for one dated run carries its
dates, our summary of 1.01 is not counted as the framework's wording, and every coverage
reason says what it rests on and no more."""

import datetime
from decimal import Decimal

import pytest

from catalogue.completeness import framework_completeness
from catalogue.models import Competency, Course, Coverage, Domain, Fee, Level, Module, Wording

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
    # 1.07 is quoted in the introduction (003:42-45); 1.01 is our summary, not counted.
    assert completeness.line == "the wording of 1 of 63 competencies"
    assert completeness.by_level == {1: 1, 2: 0, 3: 0}
    assert completeness.summarised == 1


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
    assert list(Wording.objects.filter(is_summary=True).values_list("competency__code")) == [
        ("1.01",)
    ]
    quoted = Wording.objects.get(competency__code="1.07")
    assert not quoted.is_summary
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
        ("per 20 credits", Decimal("1667"), Decimal("1237")),  # 000:17, 000:22: a rate
    ]
    rates = Course.objects.get(slug="glasgow-imh-msc").fees.filter(per_credits=True)
    assert list(rates.values_list("label", flat=True)) == ["per 20 credits"]


def test_the_course_list_compares_prices_a_person_can_pay(catalogue):
    """Seed audit 3, H1: Glasgow's cheapest award is the PGCert (000:16, 000:21); the
    rate per 20 credits (000:17, 000:22) is not a price for anything sold alone."""
    keys = {c.slug: (c.lowest_fee, c.lowest_nhs_fee) for c in Course.objects.with_sort_keys()}
    assert keys == {
        "glasgow-imh-msc": (Decimal("5000"), Decimal("3710")),
        "northampton-pgcert": (Decimal("2550"), None),
        "nes-imh-elearning": (Decimal("0"), Decimal("0")),
        "warwick-imhol": (None, None),
    }


def test_northamptons_fee_is_for_its_one_dated_run(catalogue):
    """001:32: "The course starts in January 2023 and finishes in September 2023. The
    course fees are £2,550." No other fee carries run dates."""
    fee = Fee.objects.get(course__slug="northampton-pgcert")
    assert (fee.run_starts, fee.run_ends) == (
        datetime.date(2023, 1, 1),
        datetime.date(2023, 9, 30),
    )
    assert fee.run_label == (
        "for the January–September 2023 run only; that run has ended and no later run is published"
    )
    dated = Fee.objects.exclude(run_starts=None, run_ends=None)
    assert list(dated.values_list("course__slug", flat=True)) == ["northampton-pgcert"]


def test_only_glasgow_asks_for_a_degree_or_a_registration(catalogue):
    """000:27-29: a 2:1 Honours degree or equivalent, or a registered health care
    professional qualification. 001 publishes no entry requirements; 002 is open to
    anyone (002:11); 004 gives none."""
    flagged = Course.objects.filter(requires_degree_or_registration=True)
    assert list(flagged.values_list("slug", flat=True)) == ["glasgow-imh-msc"]


def test_glasgow_modules_add_up_to_each_award(catalogue):
    modules = Course.objects.get(slug="glasgow-imh-msc").modules.all()
    by_year = {year: [m for m in modules if m.year == year] for year in (1, 2, 3)}
    assert sum(m.credits for m in by_year[1]) == 60  # the PGCert year
    # 000:58-62 labels no Year 1 module; that all four are taken is our reading of the
    # 60 credits, and the course page says so.
    assert {m.kind for m in by_year[1]} == {Module.Kind.WHOLE_YEAR}
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


def test_imhol_does_not_claim_what_its_learners_reported_needing_more_training_in(catalogue):
    """004:39 names areas learners report needing further training in. Observational
    skills and reflective supervision stand for a competency and a domain; two topics
    (transgenerational trauma, attachment classification) do not make all of Domain 3
    "not offered": the first is in the course summary, the second is a caveat on the
    Domain 4 row."""
    imhol = Coverage.objects.filter(course__slug="warwick-imhol")
    refused = imhol.filter(grade=Coverage.Grade.NOT_OFFERED)
    assert refused.filter(competency__code="1.07").exists()  # observational skills
    assert refused.filter(domain=6, competency=None).exists()  # reflective supervision
    assert not imhol.filter(domain=3).exists()
    assert "attachment classification" in imhol.get(domain=4).reason
    assert (
        "transgenerational transfer of trauma" in Course.objects.get(slug="warwick-imhol").summary
    )
    offered = imhol.offered()
    assert not offered.filter(domain__in=[3, 6]).exists()
    assert not offered.filter(competency__code="1.07").exists()
    assert not Coverage.objects.filter(reason__contains="asked for more").exists()


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
    assert "Developed by Dr Fiona Sim, Professor Helen Minnis" in glasgow.summary  # 000:32-33
    assert "Led by" not in glasgow.summary
    assert "all of its parts must be completed" in glasgow.assessment  # 000:94
    assert "Scotland" not in nes.summary and "Turas Learn" not in nes.delivery + nes.link_text
    assert "not the same as the IMHCF's Level 1" in nes.summary
    assert northampton.title.startswith("Postgraduate Certificate in Advanced Practice")
    assert "Eunice Lumsden" in northampton.summary
    assert "Parent Infant Interaction Observation Scale" in imhol.summary
    assert not northampton.outcomes.filter(text__contains="and develops").exists()
    # 001:28 lists what the course covers, not outcomes; the family-hubs line is a
    # lecturer's (001:24); NES's outcomes need the signposted learning too (002:21-22).
    assert northampton.outcomes_title == "Topics the university names"
    assert "senior lecturer" in northampton.audience and "Designed with" not in northampton.audience
    assert nes.outcomes_title.endswith("completed the module and the other learning it signposts")
    assert glasgow.outcomes_title == "What learners should be able to do"
    assert "reported" in imhol.summary and "asked for more" not in imhol.summary
    assert "decided what the fundamentals are" not in imhol.summary  # 004:20: "review"


# Seed audits A1 and 3, row by row: each shipped coverage link, its grade, and the source
# fact its reason must name (module and credits, the programme outcome, or which record).
NES_CONDITION = "once they have completed the module and the other learning it signposts"
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
        "so that every PGCert learner takes these two is our reading of the credits",
    ),
    ("glasgow-imh-msc", 2, 2, None, "outcome", "is inferred from its title"),
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
    ("glasgow-imh-msc", 2, 4, None, "outcome", "risk assessment and formulation itself"),
    ("glasgow-imh-msc", 1, 5, None, "outcome", "judge how useful current interventions are"),
    (
        "glasgow-imh-msc",
        2,
        5,
        None,
        "optional",
        "Optional module Infant Mental Health Intervention Training",
    ),
    ("glasgow-imh-msc", 1, 6, None, "outcome", "does not name supervision outside the practice"),
    ("glasgow-imh-msc", 2, 6, None, "outcome", "supervision logs belong to the practice route"),
    ("glasgow-imh-msc", 3, 6, None, "not_offered", "nothing in the record names it"),
    ("northampton-pgcert", 1, 2, None, "topic", "the structure of an infant's brain"),
    ("northampton-pgcert", 2, 2, None, "topic", "how deeply it is taught is not stated"),
    ("northampton-pgcert", 1, 3, None, "topic", "harm, abuse and poverty"),
    ("northampton-pgcert", 2, 3, None, "topic", '"Advanced Practi'),
    ("northampton-pgcert", 1, 5, None, "topic", "(what families do, not how practitioners"),
    ("northampton-pgcert", 2, 5, None, "topic", "how deeply it is taught is not stated"),
    ("nes-imh-elearning", 1, 1, None, "outcome", "marks safe, confiding relationships"),
    ("nes-imh-elearning", 1, 2, None, "outcome", "but across childhood and adolescence"),
    ("nes-imh-elearning", 1, 3, None, "outcome", "discuss what shapes infant mental health"),
    ("nes-imh-elearning", 1, 4, None, "outcome", "describe approaches to observe whether"),
    ("nes-imh-elearning", 1, 5, None, "outcome", "describe a range of approaches to promote"),
    ("nes-imh-elearning", 1, 7, None, "outcome", "Scotland only"),
    ("warwick-imhol", 1, 4, None, "topic", "reported needing further training in observational"),
    ("warwick-imhol", 1, 5, None, "topic", "be developing the skills to promote"),
    ("warwick-imhol", 1, 1, "1.07", "not_offered", "further training in observational skills"),
    ("warwick-imhol", 2, 6, None, "not_offered", "further training in reflective supervision"),
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
    """Seed audits A1 and 3: no course record maps itself to the IMHCF, so only one link
    closes a gap: Glasgow L1 D2, two Year 1 modules and an outcome, whose reason says that
    every PGCert learner taking them is our reading of the 60 credits (000:58-62) and that
    it does not close for a module taken alone. Glasgow L1 D6 does not close: its core
    module and outcome are about reflection, and the domain is reflection and supervision.
    The invented reason (observation "practised and assessed") and the invented link (an
    outcome placed in Systems Around the Infant) are gone; every use of Glasgow's own "not
    included" says what it may mean."""
    closing = [r for r in Coverage.objects.all() if r.closes]
    assert sorted((r.course.slug, r.level_id, r.domain_id, r.competency_id) for r in closing) == [
        ("glasgow-imh-msc", 1, 2, None),
    ]
    (core,) = closing
    assert core.module.kind == Module.Kind.WHOLE_YEAR
    for fact in (
        "Exploring Infant Mental Health and Development",
        "Fundamentals of Infant Mental Health and Development (10 credits each)",
        "identify developmental red flags",  # 000:41
        "make up all 60 credits of the PGCert",  # 000:58-62
        "our reading of the credits",
        "Tying the outcome to them is ours too",
        "theories of child development",  # 000:102-103
        "judged by its name",
        "not for either module taken alone",
    ):
        assert fact in core.reason, fact
    assert not Coverage.objects.filter(reason__contains="practised and assessed").exists()
    l2_d3 = Coverage.objects.get(course__slug="glasgow-imh-msc", level=2, domain=3)
    assert l2_d3.module is None and "Systems Around the Infant" not in l2_d3.reason
    for row in Coverage.objects.filter(
        course__slug="glasgow-imh-msc", grade=Coverage.Grade.NOT_OFFERED
    ):
        assert 'may mean "not assessed"' in row.reason
    assert not Coverage.objects.filter(reason__contains="seed").exists()  # users read it


def test_no_link_rests_on_a_skills_framework_mapping_alone(catalogue):
    """Seed audit 3, A: a provider's KSF mapping is evidence for a grade, never a link by
    itself (nes L1 1.07 went), and a statement marked "not included" that says nothing
    about the target is no ground for "not offered" (glasgow L1 D7 went). Every offered
    link names a module, an outcome or objective, or content the provider names."""
    grounds = (
        "Learning outcomes:",
        "Outcome:",
        "Outcomes:",
        "Outcome, which the record says",
        "Outcomes, which the record says",
        "Core module ",
        "Optional module ",
        "Module ",
        "Year 1 module",
        "Content named by the university:",
        "One of the course's stated objectives:",
    )
    for row in Coverage.objects.offered():
        assert row.reason.startswith(grounds), row
    assert not Coverage.objects.filter(course__slug="nes-imh-elearning", competency__code="1.07")
    assert not Coverage.objects.filter(course__slug="glasgow-imh-msc", domain=7).exists()


def test_every_nes_outcome_keeps_the_records_condition(catalogue):
    """002:21-22: learners reach the outcomes "after completing the resource and
    undertaking other learning signposted in the resource", not the module alone."""
    rows = Coverage.objects.filter(course__slug="nes-imh-elearning")
    assert rows.count() == 6
    for row in rows:
        assert (row.grade, NES_CONDITION in row.reason) == ("outcome", True), row.reason


def test_glossary_and_framework_text_stay_close_to_the_introduction(client, catalogue):
    """Seed audit 3, D: the definitions keep what the introduction says (003:73-189), the
    acknowledgement quotes its sentence (003:201), and the completion of its cut-off
    sentence (003:67) is marked as ours."""
    from catalogue.models import Framework, Term

    said = dict(Term.objects.values_list("slug", "definition"))
    for slug, kept in [
        ("insecure-attachment", "managing threat and anxiety is a compromise"),
        ("marked-mirroring", "not frightened or overwhelmed"),
        ("marked-mirroring", "the distress is the baby's, not the parent's"),
        ("contingent-responsivity", "seems to be why a sensitive response often soothes"),
        ("emotional-regulation", "shut them out altogether"),
        ("secure-attachment", "with a sense of agency"),
        ("attunement", '"ruptures" and "repairs"'),
        ("reflective-function", "(or anyone else)"),
        ("reflective-function", "physical characteristics or behaviour"),
        ("mentalization", "meaningless and random"),
        ("temperament", "mental, physical and emotional traits"),
        ("ghosts-in-the-nursery", "can badly distort it"),
        ("health-prevention", "significant mental health problems"),
        ("imh-frame-of-mind", "dynamic system"),
    ]:
        assert kept in said[slug], slug
    assert "mostly" not in said["risk"] and "growing" not in said["agency"]
    assert "so often soothe" not in said["contingent-responsivity"]
    assert 'breaks off after "imagine"' in Framework.objects.get().core_idea
    assert Level.objects.get(number=3).typical_roles.startswith("Specialist practitioners, such")
    page = client.get("/glossary/").content.decode()
    assert "and Jane Barlow and Dawn Cannon for additions from" in page
