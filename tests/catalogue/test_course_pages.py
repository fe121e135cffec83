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
        ({"max_cost": "2000"}, ["glasgow-imh-msc", "nes-imh-elearning"]),  # MSc: £1,667 per 20
        ({"max_cost": "1500", "nhs": "on"}, ["glasgow-imh-msc", "nes-imh-elearning"]),  # £1,237
        ({"max_cost": "1500"}, ["nes-imh-elearning"]),
        ({"max_months": "6"}, ["nes-imh-elearning"]),
        ({"max_months": "12"}, ["nes-imh-elearning", "northampton-pgcert"]),
        ({"level": "2"}, ["glasgow-imh-msc", "northampton-pgcert"]),
        ({"level": "3"}, []),  # Glasgow's only Level 3 row says it does NOT cover
        ({"mode": "elearning"}, ["nes-imh-elearning"]),
        ({"endorser": "aimh"}, ["glasgow-imh-msc", "northampton-pgcert"]),
        (
            {"level": "1", "endorser": "aimh", "max_cost": "3000"},
            ["glasgow-imh-msc", "northampton-pgcert"],
        ),
    ],
)
def test_filters_narrow_the_list(client, catalogue, params, expected):
    assert listed(client, **params) == expected


def test_sorting_by_cost_puts_free_first_and_unpublished_last(client, catalogue):
    assert listed(client, sort="cost") == [
        "nes-imh-elearning",
        "glasgow-imh-msc",
        "northampton-pgcert",
        "warwick-imhol",
    ]


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
    assert re.search(r"20 credits</th>\s*<td>£1,667</td><td>£1,237</td>", fees)
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
