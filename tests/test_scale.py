"""`make scale` in small (it cannot rot): the same builder grows an organisation on a
full-size framework, its tallies stay equal to a full count, and the organisation
overview, the big team's report and its plan run the same number of queries at both
sizes, on SQLite and PostgreSQL. Timings are `make scale`'s, never asserted here."""

import pytest
from django.urls import reverse

from assessments.models import Team
from assessments.ops import scale
from assessments.teams import tallies
from tests.factories import (
    TrainingLeadFactory,
    UserFactory,
    build_full_framework,
    with_authenticator,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_the_scale_build_grows_an_organisation_and_its_pages_stay_at_constant_queries(
    client, catalogue
):
    build_full_framework()
    lead = with_authenticator(UserFactory(username="lead-of-scale"))
    trust = TrainingLeadFactory(organisation__name="Scale Trust", user=lead).organisation
    client.force_login(lead)
    scale.build(trust, teams=3, big=30, per_team=5)
    assert scale.people(trust) == 3 * 5 + 30
    assert tallies.drift() == []
    big = Team.objects.get(organisation=trust, name=scale.BIG)
    urls = [
        reverse("assessments:organisation", args=[trust.pk]),
        reverse("assessments:organisation", args=[trust.pk]) + "?sort=share",
        reverse("assessments:team_report", args=[big.pk]),
        reverse("assessments:team_plan", args=[big.pk]),
    ]
    small = [count_queries(client, url) for url in urls]
    scale.build(trust, teams=30, big=30, per_team=5)  # grows: 27 more teams
    assert Team.objects.filter(organisation=trust).count() == 31
    assert scale.people(trust) == 30 * 5 + 30
    assert tallies.drift() == []
    assert [count_queries(client, url) for url in urls] == small
    report = client.get(urls[2])
    assert report.context["report"].member_count == 30
    overview = client.get(urls[0]).context["overview"]
    assert overview.teams == 31 and overview.page.paginator.num_pages == 2
    assert all(p is not None and 0 < p < 100 for p in overview.page.object_list[0].percents)
