"""Django admin for the catalogue: every changelist and change form opens, an edit
through the course form with its inlines reaches the public page, and bad values
get messages an admin understands."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import (
    Competency,
    Course,
    Coverage,
    Domain,
    Fee,
    Level,
    Provider,
    Term,
    Wording,
)
from tests.factories import (
    CompetencyFactory,
    CourseFactory,
    CoverageFactory,
    FeeFactory,
    WordingFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "framework",
    "level",
    "domain",
    "competency",
    "wording",
    "term",
    "provider",
    "course",
    "coverage",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_opens_for_the_training_lead(client, admin_user, catalogue, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:catalogue_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Course, {"slug": "glasgow-imh-msc"}),
        (Competency, {"code": "1.07"}),
        (Domain, {"number": 1}),
        (Coverage, {"course__slug": "warwick-imhol", "competency__code": "1.07"}),
        (Term, {"slug": "attunement"}),
        (Provider, {"slug": "nes"}),
        (Level, {"number": 2}),
        (Wording, {"competency__code": "1.07"}),
    ],
)
def test_every_change_form_opens(client, admin_user, catalogue, model, lookup):
    client.force_login(admin_user)
    obj = model.objects.get(**lookup)
    response = client.get(
        reverse(f"admin:catalogue_{model._meta.model_name}_change", args=[obj.pk])
    )
    assert response.status_code == 200


def test_course_form_shows_fee_module_outcome_and_coverage_inlines(client, admin_user, catalogue):
    client.force_login(admin_user)
    course = Course.objects.get(slug="glasgow-imh-msc")
    page = client.get(reverse("admin:catalogue_course_change", args=[course.pk])).content.decode()
    for prefix, count in [("fees", 4), ("modules", 11), ("outcomes", 15), ("coverage", 15)]:
        assert f'name="{prefix}-INITIAL_FORMS" value="{count}"' in page


def course_form_data(client, course) -> dict:
    """Everything the course change form would post back unchanged, read from the page."""
    page = client.get(reverse("admin:catalogue_course_change", args=[course.pk])).content.decode()
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = body.strip("\n").replace("&#x27;", "'").replace("&amp;", "&")
    for name, body in re.findall(r'<select[^>]*\sname="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    for key in [k for k in data if "__prefix__" in k or k in ("_addanother", "_continue")]:
        del data[key]
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_editing_a_fee_in_admin_shows_on_the_public_page(client, admin_user, catalogue):
    client.force_login(admin_user)
    course = Course.objects.get(slug="northampton-pgcert")
    data = course_form_data(client, course)
    data["fees-0-standard"] = "2600"
    data["fees-0-nhs_funded"] = "2100"

    response = client.post(reverse("admin:catalogue_course_change", args=[course.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Fee.objects.get(course=course).standard == 2600
    public = client.get(course.get_absolute_url()).content.decode()
    assert "<td>£2,600</td><td>£2,100</td>" in public


def test_a_negative_fee_in_admin_is_refused_with_a_message(client, admin_user, catalogue):
    client.force_login(admin_user)
    course = Course.objects.get(slug="northampton-pgcert")
    data = course_form_data(client, course)
    data["fees-0-standard"] = "-100"

    response = client.post(reverse("admin:catalogue_course_change", args=[course.pk]), data)

    assert response.status_code == 200
    assert "A fee cannot be negative; use 0 for free." in response.content.decode()
    assert Fee.objects.get(course=course).standard == 2550


def test_coverage_naming_another_domains_competency_is_refused(client, admin_user, catalogue):
    client.force_login(admin_user)
    course = Course.objects.get(slug="northampton-pgcert")
    data = course_form_data(client, course)
    total = int(data["coverage-TOTAL_FORMS"])
    data.update(
        {
            "coverage-TOTAL_FORMS": str(total + 1),
            f"coverage-{total}-level": "1",
            f"coverage-{total}-domain": "4",
            f"coverage-{total}-competency": str(Competency.objects.get(code="1.07").pk),
            f"coverage-{total}-grade": "outcome",
            f"coverage-{total}-reason": "A reason.",
        }
    )
    response = client.post(reverse("admin:catalogue_course_change", args=[course.pk]), data)
    assert response.status_code == 200
    assert "1.07 is in domain 1, not domain 4." in response.content.decode()
    assert Coverage.objects.filter(course=course).count() == 6


def test_admin_is_closed_to_a_signed_in_practitioner(client, alice, catalogue):
    client.force_login(alice)
    response = client.get(reverse("admin:catalogue_course_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", ["course", "coverage", "competency", "wording", "domain"])
def test_changelists_cost_the_same_queries_as_the_catalogue_grows(
    client, admin_user, catalogue, model
):
    client.force_login(admin_user)
    url = reverse(f"admin:catalogue_{model}_changelist")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    level, domain = Level.objects.get(number=1), Domain.objects.get(number=2)
    for n in range(1, 16):
        course = CourseFactory()
        FeeFactory(course=course)
        CoverageFactory(course=course, level=level, domain=domain)
        WordingFactory(competency=CompetencyFactory(domain=domain, code=f"2.{n:02d}"), level=level)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def add_glasgow_link(client, grade, module_title=None) -> str:
    course = Course.objects.get(slug="glasgow-imh-msc")
    data = course_form_data(client, course)
    total = int(data["coverage-TOTAL_FORMS"])
    module = course.modules.get(title=module_title).pk if module_title else ""
    data.update(
        {
            "coverage-TOTAL_FORMS": str(total + 1),
            f"coverage-{total}-level": "3",
            f"coverage-{total}-domain": "5",
            f"coverage-{total}-module": str(module),
            f"coverage-{total}-grade": grade,
            f"coverage-{total}-reason": "A reason naming the module.",
        }
    )
    response = client.post(reverse("admin:catalogue_course_change", args=[course.pk]), data)
    return response


@pytest.mark.parametrize(
    ("grade", "module", "message"),
    [
        ("core", None, "Taught in a core module needs the module"),
        ("core", "Infant Mental Health Intervention Training", "is optional, so not every"),
        ("outcome", "Clinical Skills in Infant Mental Health", "is optional, so not every"),
    ],
)
def test_admin_refuses_a_grade_its_evidence_cannot_carry(
    client, admin_user, catalogue, grade, module, message
):
    client.force_login(admin_user)
    before = Coverage.objects.count()
    response = add_glasgow_link(client, grade, module)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Coverage.objects.count() == before


def test_admin_takes_a_core_grade_with_a_compulsory_module_and_shows_the_rules(
    client, admin_user, catalogue
):
    client.force_login(admin_user)
    response = add_glasgow_link(client, "core", "Reflective Practice")
    assert response.status_code == 302
    row = Coverage.objects.get(course__slug="glasgow-imh-msc", level=3, domain=5)
    assert row.closes and row.module.title == "Reflective Practice"
    page = client.get(reverse("admin:catalogue_coverage_change", args=[row.pk])).content.decode()
    assert "the only grade that closes a gap, and it needs a module not marked optional" in page
