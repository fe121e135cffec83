"""No query may run while a template renders: every page's data is read by its view
(so query counts are decided in one place). Django's template render is wrapped so
that any SQL during it fails the test."""

import pytest
from django.db import connection
from django.template.backends.django import Template

from tests.assessments.helpers import rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_sql_in_templates(monkeypatch):
    render = Template.render

    def guarded(self, context=None, request=None):
        def refuse(execute, sql, params, many, context_):
            raise AssertionError(f"query while rendering {self.template.name}: {sql[:200]}")

        with connection.execute_wrapper(refuse):
            return render(self, context, request)

    monkeypatch.setattr(Template, "render", guarded)


PAGES = [
    "/",
    "/framework/",
    "/framework/?q=care",
    "/framework/domain/1/",
    "/framework/1.07/",
    "/courses/",
    "/courses/?sort=cost&level=1",
    "/courses/glasgow-imh-msc/",
    "/glossary/",
    "/me/",
    "/me/?since=2020-01-01",
    "/me/level/1/domain/1/",
    "/me/gaps/",
    "/me/plan/",
    "/me/plan/print/",
    "/me/history/",
    "/me/profile/",
    "/me/delete/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_without_touching_the_database(client, alice, no_sql_in_templates, url):
    rate(alice, {(1, 1): ("working_towards", "some evidence"), (1, 2): ("achieved", "")})
    client.force_login(alice)
    assert client.get(url).status_code == 200
