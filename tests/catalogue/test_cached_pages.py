"""The public catalogue pages come from the cache for visitors who are not signed in
(catalogue/page_cache.py): the second visit costs no query, an admin's edit shows on the
next visit, a signed-in person's page is never shared, and each set of filters is its
own page."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from catalogue.importing import import_wording
from catalogue.loading import load_catalogue
from catalogue.models import Competency, Course, Fee, Wording
from tests.catalogue.test_admin import course_form_data
from tests.catalogue.test_import_framework import as_csv, domain_rows

pytestmark = pytest.mark.django_db

COURSE = "/courses/glasgow-imh-msc/"

# Every public page, and what a first (cold) visit costs in queries: the budgets pinned
# in test_course_pages.py and test_framework_pages.py, unchanged by the cache.
PAGES = [
    ("/", 4),
    ("/framework/", 6),
    ("/framework/?q=attachment", 5),
    ("/framework/domain/1/", 4),
    ("/framework/1.07/", 4),
    ("/courses/", 3),
    ("/courses/?sort=cost&nhs=on&level=1&max_cost=900", 3),
    (COURSE, 7),
    ("/courses/grades/", 1),
    ("/glossary/", 1),
    ("/accessibility/", 0),
]


@pytest.mark.parametrize(("url", "cold"), PAGES)
def test_a_second_visit_to_a_public_page_costs_no_query(
    client, catalogue, django_assert_num_queries, url, cold
):
    with django_assert_num_queries(cold):
        first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_another_visitor_gets_the_cached_course_page_with_no_query(
    catalogue, django_assert_num_queries
):
    Client().get(COURSE)
    with django_assert_num_queries(0):
        page = Client().get(COURSE).content.decode()
    assert "Infant Mental Health" in page and "Sign in" in page


def test_a_cached_page_still_carries_the_security_headers_and_varies_on_the_cookie(
    client, catalogue
):
    first = client.get(COURSE)
    second = client.get(COURSE)
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert second[header] == first[header]
    assert "Cookie" in second["Vary"]
    # Nothing promises browsers or proxies a lifetime an admin's edit would break.
    assert "max-age" not in second.get("Cache-Control", "")
    assert "Expires" not in second


def test_an_admin_edit_through_the_course_form_shows_on_the_next_anonymous_visit(
    client, admin_user, catalogue, django_capture_on_commit_callbacks
):
    course = Course.objects.get(slug="glasgow-imh-msc")
    visitor = Client()
    assert "Infant Mental Health (MSc)" in visitor.get(COURSE).content.decode()
    client.force_login(admin_user)
    data = course_form_data(client, course)
    data["title"] = "Infant Mental Health (MSc, revised)"
    data["fees-0-standard"] = "16000"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:catalogue_course_change", args=[course.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    page = visitor.get(COURSE).content.decode()
    assert "Infant Mental Health (MSc, revised)" in page
    assert "£16,000" in page
    assert "Infant Mental Health (MSc, revised)" in visitor.get("/courses/").content.decode()


def test_a_course_deleted_in_admin_leaves_the_cached_list(
    client, admin_user, catalogue, django_capture_on_commit_callbacks
):
    course = Course.objects.get(slug="glasgow-imh-msc")
    visitor = Client()
    assert COURSE in visitor.get("/courses/").content.decode()
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:catalogue_course_delete", args=[course.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert COURSE not in visitor.get("/courses/").content.decode()
    assert visitor.get(COURSE).status_code == 404


def test_a_signed_in_visitor_never_gets_the_anonymous_copy(
    client, alice, django_assert_num_queries
):
    visitor = Client()
    visitor.get(COURSE)  # stored for visitors
    client.force_login(alice)

    response = client.get(COURSE)

    page = response.content.decode()
    assert 'data-testid="signed-in-as"' in page and "Sign out" in page
    assert "no-store" in response["Cache-Control"]
    with django_assert_num_queries(0):
        anonymous = visitor.get(COURSE).content.decode()
    assert 'data-testid="signed-in-as"' not in anonymous and "csrfmiddlewaretoken" not in anonymous


def test_a_signed_in_visitors_page_is_never_stored_for_others(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    client.get(COURSE)
    client.get(COURSE)

    with django_assert_num_queries(7):  # rendered afresh: nothing was stored
        page = Client().get(COURSE).content.decode()
    assert "Sign out" not in page and "csrfmiddlewaretoken" not in page


def test_each_query_string_is_its_own_page(client, catalogue, django_assert_num_queries):
    elearning = "/courses/?mode=elearning"
    taught = "/courses/?mode=online_programme"
    assert Course.objects.filter(mode="elearning").exists()
    assert Course.objects.filter(mode="online_programme").exists()
    first = {url: client.get(url).content for url in (elearning, taught, "/courses/")}

    with django_assert_num_queries(0):
        again = {url: client.get(url).content for url in first}

    assert again == first
    assert len(set(first.values())) == 3
    elearning_title = Course.objects.filter(mode="elearning").first().title
    taught_title = Course.objects.filter(mode="online_programme").first().title
    assert taught_title not in again[elearning].decode()
    assert elearning_title not in again[taught].decode()


def test_a_message_for_one_visitor_is_neither_served_from_nor_kept_in_the_cache(client, alice):
    Client().get("/")  # the home page, stored for visitors
    client.force_login(alice)
    client.post(reverse("account_logout"))

    home = client.get("/").content.decode()

    assert "You have signed out." in home
    assert "You have signed out." not in Client().get("/").content.decode()
    assert "You have signed out." not in client.get("/").content.decode()  # shown once


def test_the_wording_import_shows_on_the_next_visit(client, catalogue):
    url = reverse("catalogue:competency_detail", args=["1.07"])
    assert "Knowledge of thing 1.07." not in client.get(url).content.decode()

    import_wording("wording.csv", as_csv(domain_rows(domain=1, size=10, level=1)))

    assert "Knowledge of thing 1.07." in client.get(url).content.decode()


def test_loading_the_catalogue_again_shows_on_the_next_visit(client, catalogue):
    Fee.objects.filter(course__slug="glasgow-imh-msc").update(standard=1)
    client.get(COURSE)  # the wrong figure, stored (update() sends no signal)

    load_catalogue()

    assert "£1<" not in client.get(COURSE).content.decode()


def test_a_transaction_of_many_changes_moves_the_version_once_more_at_its_commit(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for competency in Competency.objects.filter(domain=1):
            competency.save()
        Wording.objects.filter(competency__domain=1).first().delete()

    assert len(callbacks) == 1


def test_a_change_undone_by_a_savepoint_still_leaves_the_outer_changes_pending(
    catalogue, django_capture_on_commit_callbacks
):
    competency = Competency.objects.get(code="1.07")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                competency.save()  # its after-commit callback goes with the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        competency.save()

    assert len(callbacks) == 1
