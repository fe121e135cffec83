"""The public framework pages: what a visitor sees, bad input, and query counts."""

import pytest
from django.urls import reverse

from catalogue.models import Competency, Coverage, Domain, Level, Wording
from tests.factories import CourseFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_says_how_complete_the_framework_is(client, catalogue):
    response = client.get(reverse("catalogue:home"))
    assert response.status_code == 200
    assert "the wording of 1 of 63 competencies" in text(response)  # 1.07; 1.01 is ours
    assert "For 1 more competency we show our own summary instead" in text(response)
    assert "<title>Infant mental health competencies – IMHCF self-assessment</title>" in text(
        response
    )


def test_framework_page_shows_levels_domains_and_the_known_competencies(client, catalogue):
    page = text(client.get(reverse("catalogue:framework")))
    assert "the wording of 1 of 63 competencies" in page
    assert "Level 1 (our summary, not the framework's words): Knowledge of why" in page
    assert "the framework's wording at Level 1 for 1, and our summary for 1 more" in page
    assert "Level 3: Supervising, managing and shaping services" in page
    assert "Domain 7: Working within relevant legal and professional frameworks" in page
    assert "Knowledge of the importance of recognizing infant verbal" in page
    assert page.count("No competency codes published for this domain yet") == 6


def test_search_finds_a_competency_by_its_wording(client, catalogue):
    page = text(client.get(reverse("catalogue:framework"), {"q": "communicat"}))
    assert "1 competency" in page
    assert 'href="/framework/1.07/"' in page
    assert 'href="/framework/1.04/"' not in page


def test_search_finds_a_competency_by_code_and_a_domain_by_name(client, catalogue):
    assert 'href="/framework/1.07/"' in text(
        client.get(reverse("catalogue:framework"), {"q": "1.07"})
    )
    page = text(client.get(reverse("catalogue:framework"), {"q": "caregiving"}))
    assert "Domain 3: Factors that influence caregiving capacity" in page
    assert "Domain 1: Relationship-based practice" not in page


def test_search_with_only_punctuation_explains_itself(client, catalogue):
    response = client.get(reverse("catalogue:framework"), {"q": "?!%"})
    assert response.status_code == 200
    assert "punctuation alone matches nothing" in text(response)
    assert "Domain 7" in text(response)  # the whole framework is still there


def test_search_text_is_escaped(client, catalogue):
    page = text(client.get(reverse("catalogue:framework"), {"q": "<script>x</script>"}))
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_nothing_found_suggests_what_to_try(client, catalogue):
    page = text(client.get(reverse("catalogue:framework"), {"q": "zebra"}))
    assert "Nothing in the framework matches “zebra”" in page


def test_competency_page_shows_wording_per_level_and_who_covers_it(client, catalogue):
    page = text(client.get(reverse("catalogue:competency_detail", args=["1.07"])))
    assert "observe, understand and communicate effectively with infants" in page
    assert page.count("No wording for this level here yet.") == 2
    assert "Infant Mental Health (MSc)" in page
    assert "Core module Infant Observation (10 credits, year 2)" in page
    assert "Learners who completed IMHOL reported needing further training in observational" in page
    assert 'data-testid="our-summary"' not in page  # 1.07 is quoted


def test_our_summary_of_1_01_is_marked_as_ours_wherever_it_is_shown(client, catalogue):
    """Seed audit 3, D: 1.01's wording is our summary of a public grid, not a quotation."""
    for url in ("/framework/1.01/", "/framework/domain/1/"):
        page = text(client.get(url))
        assert 'data-testid="our-summary"' in page and "<strong>Our summary</strong>" in page


def test_domain_page_says_how_it_is_assessed(client, catalogue):
    page = text(client.get(reverse("catalogue:domain_detail", args=[1])))
    assert (
        "as a whole: the framework's wording here for 1 of 10 competencies, "
        "and our summary for 1 more" in page
    )
    page = text(client.get(reverse("catalogue:domain_detail", args=[6])))
    assert "an unpublished number of" in page
    assert "Reflective Practice (10 credits, year 2)" in page


@pytest.mark.parametrize("url", ["/framework/9.99/", "/framework/domain/8/", "/framework/<b>/"])
def test_unknown_framework_addresses_get_the_sites_404_page(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert "Skip to main content" in text(response)


def test_glossary_lists_terms_with_anchors(client, catalogue):
    page = text(client.get(reverse("catalogue:glossary")))
    assert 'id="ghosts-in-the-nursery"' in page
    assert "Attunement" in page


def grow_framework(extra_domains=(2, 3, 4, 5)):
    """Add a whole domain of worded competencies per domain number, with coverage."""
    course = CourseFactory()
    levels = list(Level.objects.all())
    for number in extra_domains:
        domain = Domain.objects.get(number=number)
        for n in range(1, 11):
            competency, _ = Competency.objects.get_or_create(
                domain=domain, code=f"{number}.{n:02d}"
            )
            for level in levels:
                Wording.objects.create(
                    competency=competency, level=level, knowledge="K", ability="A"
                )
                Coverage.objects.create(
                    course=course,
                    level=level,
                    domain=domain,
                    competency=competency,
                    grade="outcome",
                    reason="R",
                )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/framework/",
        "/framework/?q=k",
        "/framework/domain/2/",
        "/framework/2.01/",
        "/glossary/",
    ],
)
def test_framework_pages_cost_the_same_queries_as_the_framework_grows(client, catalogue, url):
    Competency.objects.create(domain_id=2, code="2.01")  # so every URL exists before growing
    small = count_queries(client, url)
    grow_framework()
    assert count_queries(client, url) == small


def test_framework_page_query_budget(client, catalogue, django_assert_max_num_queries):
    # framework, completeness aggregate, levels, domains with counts,
    # competencies, their wordings (6 in all, plus the session-less request's none)
    with django_assert_max_num_queries(6):
        client.get(reverse("catalogue:framework"))
