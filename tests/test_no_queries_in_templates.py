"""No query may run while a template renders: every page's data is read by its view
(so query counts are decided in one place). Django's template render is wrapped so
that any SQL during it fails the test."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.backends.django import Template

from tests.assessments.helpers import rate
from tests.security.helpers import prove_again

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
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/me/portfolio/",
    "/me/portfolio/registration/",
    "/me/portfolio/records/new/?course=nes-imh-elearning",
    "/me/portfolio/reflections/new/account/",
    "/me/portfolio/reflections/new/feedback/",
    "/me/portfolio/reflections/new/discussion/",
    "/me/portfolio/records/{record}/",
    "/me/portfolio/reflections/{reflection}/",
    "/me/level/1/domain/4/?record={record}",
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
    "/me/teams/{team}/training/",
]


def portfolio(alice):
    """A catalogue training record with a file, a reflection on it, an NMC registration."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.models import Reflection, Registration, TrainingRecord
    from assessments.portfolio import files, services
    from catalogue.models import Course

    Registration.objects.create(
        user=alice, regulator="nmc", renewal_date=datetime.date(2027, 3, 31)
    )
    record = TrainingRecord.objects.create(
        user=alice,
        course=Course.objects.get(slug="nes-imh-elearning"),
        title="NES module",
        finished=datetime.date(2026, 3, 5),
        hours=3,
    )
    pdf = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 x", "application/pdf")
    services.add_file(owner=alice, checked=files.check(pdf, used=0), record=record)
    reflection = Reflection.objects.create(
        user=alice, kind="account", template="nmc", title="On the module",
        happened_on=datetime.date(2026, 3, 6), activity="The module", record=record,
    )  # fmt: skip
    return record, reflection


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_without_touching_the_database(client, alice, no_sql_in_templates, url):
    rate(alice, {(1, 1): ("working_towards", "some evidence"), (1, 2): ("achieved", "")})
    record, reflection = portfolio(alice)
    client.force_login(alice)
    prove_again(client)  # the account pages ask who she is again first
    assert client.get(url.format(record=record.pk, reflection=reflection.pk)).status_code == 200


@pytest.mark.parametrize("url", TEAM_PAGES)
def test_team_pages_render_without_touching_the_database(
    client, alice, team, manager, no_sql_in_templates, url
):
    rate(alice, {(1, 1): ("working_towards", "some evidence"), (1, 2): ("achieved", "")})
    team.memberships.filter(user=alice).update(shares_evidence=True)
    portfolio(alice)
    # A site admin too (staff with the permission), so she sees the organisation pages;
    # her permission check runs before the page renders, not in the template.
    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(
        Permission.objects.get(
            codename="administer_organisations", content_type__app_label="assessments"
        )
    )
    client.force_login(manager)
    assert (
        client.get(url.format(team=team.pk, alice=alice.pk, org=team.organisation_id)).status_code
        == 200
    )
