"""The public JSON API (/api/v1/): what it says against what the pages say, its query
counts, its OpenAPI description, and that it answers anyone and only reads."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate

from catalogue.models import Course, Domain, Framework, Level
from tests.factories import CourseFactory, CoverageFactory, FeeFactory, ModuleFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

FRAMEWORK = "/api/v1/framework/"
COURSES = "/api/v1/courses/"
GLASGOW = "/api/v1/courses/glasgow-imh-msc/"
WARWICK = "/api/v1/courses/warwick-imhol/"


def schema(client) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_framework_says_its_levels_domains_wording_and_completeness(client, catalogue):
    data = client.get(FRAMEWORK).json()
    home = client.get(reverse("catalogue:framework")).content.decode()
    assert data["completeness"]["line"] == "the wording of 1 of 63 competencies"
    assert data["completeness"]["line"] in home
    assert data["completeness"]["declared"] == 63
    assert data["completeness"]["by_level"] == {"1": 1, "2": 0, "3": 0}
    assert [level["number"] for level in data["levels"]] == [1, 2, 3]
    assert [d["number"] for d in data["domains"]] == [1, 2, 3, 4, 5, 6, 7]
    domain_1 = data["domains"][0]
    assert domain_1["name"] == "Relationship-based practice"
    assert domain_1["complete_at_levels"] == []  # 10 competencies declared, few worded
    by_code = {c["code"]: c for d in data["domains"] for c in d["competencies"]}
    assert len(by_code) == data["completeness"]["known"] == 10
    observing = by_code["1.07"]["wordings"]
    assert [w["level"] for w in observing] == [1]
    assert observing[0]["is_summary"] is False
    assert observing[0]["knowledge"].startswith("Knowledge")


def test_a_course_says_its_fees_as_the_course_page_does(client, catalogue):
    data = client.get(GLASGOW).json()
    page = client.get(reverse("catalogue:course_detail", args=["glasgow-imh-msc"])).content
    msc = next(fee for fee in data["fees"] if fee["label"] == "MSc")
    assert (msc["standard"], msc["standard_label"]) == ("15000.00", "£15,000")
    assert (msc["nhs_funded"], msc["nhs_funded_label"]) == ("11130.00", "£11,130")
    assert re.search(r"MSc.*?<td>£15,000</td><td>£11,130</td>", page.decode(), re.S)
    rate = next(fee for fee in data["fees"] if fee["per_credits"])
    assert (rate["label"], rate["standard_label"]) == ("per 20 credits", "£1,667")
    assert data["provider"] == {"name": "University of Glasgow", "slug": "glasgow"}
    assert data["page"] == "http://testserver/courses/glasgow-imh-msc/"


def test_a_fee_the_provider_does_not_publish_is_null_and_said_so_never_0(client, catalogue):
    (fee,) = client.get(WARWICK).json()["fees"]
    assert fee["standard"] is None and fee["nhs_funded"] is None
    assert fee["standard_label"] == fee["nhs_funded_label"] == "not published"
    page = client.get(reverse("catalogue:course_detail", args=["warwick-imhol"])).content
    assert "<td>not published</td><td>not published</td>" in page.decode()


def test_a_fee_for_one_dated_run_carries_the_run_as_the_page_words_it(client, catalogue):
    """Seed 001:32: Northampton's £2,550 is for the January–September 2023 run only."""
    (fee,) = client.get("/api/v1/courses/northampton-pgcert/").json()["fees"]
    said = "the January–September 2023 run only; that run has ended and no later run is published"
    assert fee["standard_label"] == "£2,550"
    assert fee["run"] == {
        "starts": "2023-01-01",
        "ends": "2023-09-30",
        "ended": True,
        "label": f"for {said}",
    }
    page = client.get(reverse("catalogue:course_detail", args=["northampton-pgcert"]))
    assert said in page.content.decode()


def test_a_course_gives_its_modules_outcomes_and_graded_coverage_with_sources(client, catalogue):
    data = client.get(GLASGOW).json()
    assert "Infant Observation" in [m["title"] for m in data["modules"]]
    reasons = [row["reason"] for row in data["coverage"]]
    assert any(
        r.startswith("Core module Reflective Practice (10 credits, year 2)") for r in reasons
    )
    grades = {row["grade"]: row for row in data["coverage"]}
    assert grades["not_offered"]["grade_label"] == "Not offered as cover"
    assert grades["not_offered"]["closes"] is False
    assert grades["core"]["closes"] is True and grades["core"]["module"]
    assert data["outcomes"] and data["outcomes"][0]["position"] == 1


def test_the_course_list_gives_every_course_by_title_with_a_link_to_each(client, catalogue):
    data = client.get(COURSES).json()
    slugs = [course["slug"] for course in data["results"]]
    assert data["count"] == Course.objects.count() == len(slugs)
    assert slugs == list(Course.objects.order_by("title").values_list("slug", flat=True))
    glasgow = next(c for c in data["results"] if c["slug"] == "glasgow-imh-msc")
    assert glasgow["detail"] == "http://testserver" + GLASGOW
    assert glasgow["levels_covered"] == [1, 2]


def test_the_course_list_comes_in_pages_of_50(client, catalogue):
    for _ in range(50):
        CourseFactory()
    first = client.get(COURSES).json()
    assert len(first["results"]) == 50 and first["count"] == 54
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 4 and second["next"] is None


def grow_catalogue(n=20):
    levels = list(Level.objects.all())
    domains = list(Domain.objects.all())
    for i in range(n):
        course = CourseFactory(mode="elearning", title=f"AAA course {i}")  # first page
        FeeFactory(course=course, standard=Decimal(i * 10), nhs_funded=Decimal(i))
        FeeFactory(course=course, standard=None)
        module = ModuleFactory(course=course, credits=10)
        for level in levels:
            for domain in domains:
                CoverageFactory(course=course, level=level, domain=domain, module=module)


@pytest.mark.parametrize("url", [FRAMEWORK, COURSES, GLASGOW])
def test_the_api_costs_the_same_queries_as_the_catalogue_grows(client, catalogue, url):
    small = count_queries(client, url)
    grow_catalogue()
    assert count_queries(client, url) == small


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        (FRAMEWORK, 6),  # framework, completeness, levels, domains, competencies, wordings
        (COURSES, 4),  # count, courses with provider, fees, levels covered
        (GLASGOW, 6),  # course+provider+KSF, fees, modules, outcomes, coverage, KSF groups
    ],
)
def test_the_api_query_budget(client, catalogue, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_openapi_description_validates(client, catalogue):
    document = schema(client)
    validate(document)
    assert document["info"]["title"] == "imhcf API"
    assert {"/api/v1/framework/", "/api/v1/courses/", "/api/v1/courses/{slug}/"} <= set(
        document["paths"]
    )


def test_every_endpoint_documented_as_open_answers_anyone_not_signed_in(client, catalogue):
    values = {"slug": Course.objects.order_by("pk").first().slug}
    document = schema(client)
    public = {
        path: operations
        for path, operations in document["paths"].items()
        if operations.get("get", {}).get("security") == [{}]  # no sign-in asked
    }
    assert {"/api/v1/framework/", "/api/v1/courses/", "/api/v1/courses/{slug}/"} <= set(public)
    for path, operations in public.items():
        assert set(operations) <= {"get", "parameters"}, path  # read-only
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json"


def test_an_unknown_course_is_a_404_in_json(client, catalogue):
    response = client.get("/api/v1/courses/no-such-course/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No Course matches the given query."}


@pytest.mark.parametrize("url", [FRAMEWORK, COURSES, GLASGOW, "/api/v1/schema/"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_refused_never_an_error(client, catalogue, url, method):
    response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 405, response.content


def test_a_signed_in_write_without_the_csrf_token_is_refused(catalogue, alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(COURSES, {}, content_type="application/json")
    assert response.status_code in (403, 405)


def test_the_docs_page_loads_its_own_files_under_the_csp_with_no_inline_script(client, catalogue):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/' in attrs for attrs in scripts)  # local files only
    assert "<style" not in html and "style=" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    start = client.get("/api/v1/docs/", {"script": ""})
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in start.content.decode()


@pytest.mark.parametrize("url", [FRAMEWORK, COURSES, GLASGOW, COURSES + "?page=1"])
def test_a_second_call_costs_no_query_and_an_admin_s_edit_shows_at_once(
    client, catalogue, url, django_assert_num_queries
):
    first = client.get(url).json()
    with django_assert_num_queries(0):
        assert client.get(url).json() == first

    course = Course.objects.get(slug=GLASGOW.rstrip("/").rsplit("/", 1)[1])
    course.title = "Infant Mental Health (renamed)"
    course.save()
    framework = Framework.objects.get()
    framework.name = framework.name + " (edited)"
    framework.save()

    assert client.get(url).json() != first
