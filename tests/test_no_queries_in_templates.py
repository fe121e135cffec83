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
    "/courses/grades/",
    "/me/",
    "/me/?since=2020-01-01",
    "/me/level/1/domain/1/",
    "/me/gaps/",
    "/me/plan/",
    "/me/plan/print/",
    "/me/plan/?budget=3000&time_limit=12&time_unit=months&nhs=on",
    "/me/history/",
    "/me/profile/",
    "/me/delete/",
    "/me/email/",
    "/accounts/password_change/",
    "/accounts/two-factor/",
]
TEAM_PAGES = [
    "/me/teams/",
    "/me/teams/{team}/",
    "/me/teams/{team}/?level=2&job_role=health_visitor",
    "/me/teams/{team}/plan/",
    "/me/teams/{team}/budget/?level=1&budget=2500&who=needing",
    "/me/teams/{team}/budget/?print=1",
    "/me/teams/{team}/members/{alice}/",
    "/me/organisations/",
    "/me/organisations/{org}/",
    "/me/organisations/{org}/?sort=share&level=2&q=north",
    "/me/organisations/{org}/import/",
    "/me/teams/{team}/people/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_without_touching_the_database(client, alice, no_sql_in_templates, url):
    rate(alice, {(1, 1): ("working_towards", "some evidence"), (1, 2): ("achieved", "")})
    client.force_login(alice)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", TEAM_PAGES)
def test_team_pages_render_without_touching_the_database(
    client, alice, team, manager, no_sql_in_templates, url
):
    rate(alice, {(1, 1): ("working_towards", "some evidence"), (1, 2): ("achieved", "")})
    team.memberships.filter(user=alice).update(shares_evidence=True)
    manager.is_staff = True  # sees the organisation overview too
    manager.save()
    client.force_login(manager)
    assert (
        client.get(url.format(team=team.pk, alice=alice.pk, org=team.organisation_id)).status_code
        == 200
    )
