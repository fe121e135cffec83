"""The course list (filters, sorting, bad input) and course detail pages."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.models import Domain, Level
from tests.factories import CourseFactory, CoverageFactory, FeeFactory, ModuleFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

ALL = ["glasgow-imh-msc", "warwick-imhol", "nes-imh-elearning", "northampton-pgcert"]


def listed(client, **params) -> list[str]:
    """Course slugs in the order the list shows them."""
    page = client.get(reverse("catalogue:course_list"), params).content.decode()
    return re.findall(r'<th scope="row"><a href="/courses/([\w-]+)/">', page)


def test_course_list_shows_every_course_by_title(client, catalogue):
    assert listed(client) == ALL  # Infant Mental Health (MSc), … Online, …: Developing, PG …


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"price": "free"}, ["nes-imh-elearning"]),
        ({"price": "paid"}, ["glasgow-imh-msc", "northampton-pgcert"]),
        # Seed audit 3, H1: a rate per 20 credits is not a price anyone can pay; Glasgow's
        # cheapest award is the £5,000 PGCert (£3,710 NHS-funded).
        ({"max_cost": "2000"}, ["nes-imh-elearning"]),
        ({"max_cost": "1500", "nhs": "on"}, ["nes-imh-elearning"]),
        ({"max_cost": "3000"}, ["nes-imh-elearning", "northampton-pgcert"]),
        ({"max_cost": "3710", "nhs": "on"}, ["glasgow-imh-msc", "nes-imh-elearning"]),
        ({"max_cost": "5000"}, ["glasgow-imh-msc", "nes-imh-elearning", "northampton-pgcert"]),
        ({"max_months": "6"}, ["nes-imh-elearning"]),
        ({"max_months": "12"}, ["nes-imh-elearning", "northampton-pgcert"]),
        ({"level": "2"}, ["glasgow-imh-msc", "northampton-pgcert"]),
        ({"level": "3"}, []),  # Glasgow's only Level 3 row says it does NOT cover
        ({"mode": "elearning"}, ["nes-imh-elearning"]),
        ({"endorser": "aimh"}, ["glasgow-imh-msc", "northampton-pgcert"]),
        ({"level": "1", "endorser": "aimh", "max_cost": "3000"}, ["northampton-pgcert"]),
    ],
)
def test_filters_narrow_the_list(client, catalogue, params, expected):
    assert listed(client, **params) == expected


def test_sorting_by_cost_puts_free_first_and_unpublished_last(client, catalogue):
    """By the cheapest award or course fee: Northampton's £2,550 before Glasgow's £5,000
    PGCert, whose £1,667 per 20 credits is a rate, not a price (seed audit 3, H1)."""
    assert listed(client, sort="cost") == [
        "nes-imh-elearning",
        "northampton-pgcert",
        "glasgow-imh-msc",
        "warwick-imhol",
    ]
    assert listed(client, sort="cost", nhs="on") == [
        "nes-imh-elearning",
        "glasgow-imh-msc",  # £3,710; neither of the others publishes an NHS-funded fee
        "warwick-imhol",
        "northampton-pgcert",
    ]


def test_the_list_says_which_price_it_compares_and_that_a_rate_is_not_one(client, catalogue):
    page = client.get(reverse("catalogue:course_list")).content.decode()
    assert "Cheapest award or course fee: £5,000" in page
    assert "£1,667 per 20 credits" in page
    assert "a rate: the provider does not say single modules are sold" in page
    assert "cheapest award or course fee" in page  # the filter's help text
    nhs = client.get(reverse("catalogue:course_list"), {"nhs": "on"}).content.decode()
    assert "Cheapest award or course fee: £3,710" in nhs


def test_a_fee_for_one_dated_run_says_so_on_the_list_and_the_course_page(client, catalogue):
    """Seed 001:32: the £2,550 is for the January–September 2023 run, the only one
    announced."""
    said = "or the January–September 2023 run only; that run has ended and no later run is"
    listing = client.get(reverse("catalogue:course_list")).content.decode()
    detail = client.get(reverse("catalogue:course_detail", args=["northampton-pgcert"]))
    assert "PGCert: £2,550" in listing and said in listing
    assert said in detail.content.decode()


def test_sorting_by_length_puts_hours_before_months_and_unpublished_last(client, catalogue):
    assert listed(client, sort="duration") == [
        "nes-imh-elearning",
        "northampton-pgcert",
        "glasgow-imh-msc",
        "warwick-imhol",
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"max_cost": "cheap"}, "Enter a number."),
        ({"max_months": "-3"}, "Ensure this value is greater than or equal to 0."),
        ({"level": "7"}, "Select a valid choice. 7 is not one of the available choices."),
        ({"sort": "price;drop"}, "Select a valid choice."),
    ],
)
def test_bad_filter_values_get_a_message_and_the_rest_still_apply(
    client, catalogue, params, message
):
    response = client.get(reverse("catalogue:course_list"), {**params, "price": "free"})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Some filters could not be used" in page
    assert listed(client, **params, price="free") == ["nes-imh-elearning"]


def test_nhs_toggle_shows_nhs_funded_fees(client, catalogue):
    page = client.get(reverse("catalogue:course_list"), {"nhs": "on"}).content.decode()
    assert "MSc: £11,130" in page
    assert "PGCert: not published" in page  # Northampton publishes no NHS price


def test_course_detail_shows_fees_side_by_side_modules_and_coverage(client, catalogue):
    page = client.get(reverse("catalogue:course_detail", args=["glasgow-imh-msc"])).content.decode()
    fees = page[
        page.index('data-testid="fees"') : page.index("</table>", page.index('data-testid="fees"'))
    ]
    assert re.search(r"MSc.*?<td>£15,000</td><td>£11,130</td>", fees, re.S)
    assert re.search(r"per 20 credits<span[^>]*>A rate[^<]*</span></th>\s*<td>£1,667</td>", fees)
    assert "<td>£1,667</td><td>£1,237</td>" in fees
    assert "Infant Observation" in page and "Year 2 (PGDip)" in page
    assert "Core module Reflective Practice (10 credits, year 2)" in page
    assert "Not offered as cover" in page


def test_course_detail_says_not_published_where_the_source_is_silent(client, catalogue):
    page = client.get(reverse("catalogue:course_detail", args=["warwick-imhol"])).content.decode()
    assert "<td>not published</td><td>not published</td>" in page
    assert page.count("not published") >= 4  # fee ×2, length, starts, entry requirements …


def test_unknown_course_gets_the_sites_404_page(client, catalogue):
    response = client.get("/courses/no-such-course/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def grow_catalogue(n=20):
    levels = list(Level.objects.all())
    domains = list(Domain.objects.all())
    for i in range(n):
        course = CourseFactory(mode="elearning")
        FeeFactory(course=course, standard=Decimal(i * 10), nhs_funded=Decimal(i))
        FeeFactory(course=course, standard=None)
        module = ModuleFactory(course=course, credits=10)
        for level in levels:
            for domain in domains:
                CoverageFactory(course=course, level=level, domain=domain, module=module)


@pytest.mark.parametrize(
    "url",
    ["/courses/", "/courses/?sort=cost&nhs=on&level=1&max_cost=900", "/courses/glasgow-imh-msc/"],
)
def test_course_pages_cost_the_same_queries_as_the_catalogue_grows(client, catalogue, url):
    small = count_queries(client, url)
    grow_catalogue()
    assert count_queries(client, url) == small


def test_course_list_query_budget(client, catalogue, django_assert_num_queries):
    # courses with provider and sort keys, their fees, their coverage levels
    with django_assert_num_queries(3):
        client.get(reverse("catalogue:course_list"))


def test_course_detail_query_budget(client, catalogue, django_assert_num_queries):
    # course+provider+KSF mapping, fees, modules, outcomes, coverage (+domain, competency,
    # module), KSF groups, domains
    with django_assert_num_queries(7):
        client.get(reverse("catalogue:course_detail", args=["glasgow-imh-msc"]))


def test_the_grades_page_defines_each_grade_and_says_which_closes(client, catalogue):
    page = client.get("/courses/grades/").content.decode()
    for label in (
        "Taught in a core module",
        "Part of the core programme",
        "Only in an optional module or route",
        "A topic the provider names",
        "Not offered as cover",
    ):
        assert label in page
    core = page[page.index('id="grade-core"') : page.index('id="grade-outcome"')]
    assert "closes a gap" in core and "1 link in the catalogue carries this grade" in core
    assert "never matched to a gap" in page[page.index('id="grade-not_offered"') :]


def test_every_link_on_a_course_page_opens_its_grade_definition(client, catalogue):
    page = client.get("/courses/northampton-pgcert/").content.decode()
    assert page.count('<details class="grade grade-topic"><summary>A topic the provider names') == 6
    assert "does not say how deeply it is taught" in page
    assert 'href="/courses/grades/#grade-topic"' in page
