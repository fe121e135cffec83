"""One definition of each role (security review 3, findings 2 and 4): a staff account
is an admin of nothing until it is given the permission; nobody makes themselves a
team's manager; evidence is seen only by managers of that team; who someone is comes
with the user row, once per request, never from the session."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from assessments.models import Invite, Membership, User
from assessments.security import roles
from tests.assessments.helpers import rate
from tests.factories import (
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    with_authenticator,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def staff(username: str, *, permitted: bool = False) -> User:
    user = with_authenticator(UserFactory(username=username, is_staff=True))
    if permitted:
        user.user_permissions.add(Permission.objects.get(codename="administer_organisations"))
    return user


def test_a_staff_account_without_the_permission_sees_no_organisation_and_joins_nothing(
    client, team, alice
):
    """Finding 2: staff status alone opened every team and let it invite itself."""
    stan = staff("stan")
    Membership.objects.filter(team=team, user=alice).update(shares_evidence=True)
    client.force_login(stan)
    assert not stan.is_site_admin
    assert client.get(reverse("assessments:organisations")).status_code == 404
    for name in ("team_report", "people", "team_plan", "team_budget"):
        assert client.get(reverse(f"assessments:{name}", args=[team.pk])).status_code == 404
    made = client.post(reverse("assessments:invite", args=[team.pk]), {"role": "manager"})
    assert made.status_code == 404 and not Invite.objects.exists()
    member = reverse("assessments:member_assessment", args=[team.pk, alice.pk])
    assert client.get(member).status_code == 404
    assert "Admin" in client.get(reverse("assessments:dashboard")).content.decode()  # the door


def test_the_permission_given_in_admin_makes_a_site_admin_who_still_reads_no_evidence(
    client, team, alice
):
    admin = staff("ada", permitted=True)
    rate(alice, {(1, 1): ("achieved", "Joint visits with the family nurse")})
    Membership.objects.filter(team=team, user=alice).update(shares_evidence=True)
    client.force_login(admin)
    assert admin.is_site_admin
    assert client.get(reverse("assessments:organisations")).status_code == 200
    page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    assert page.status_code == 200 and "Joint visits" not in page.content.decode()


def test_a_lead_cannot_make_herself_a_manager_by_invitation_or_on_the_people_page(
    client, team, tess, alice
):
    """Finding 4: a lead invited herself as manager and then read shared evidence."""
    rate(alice, {(1, 1): ("achieved", "Joint visits with the family nurse")})
    Membership.objects.filter(team=team, user=alice).update(shares_evidence=True)
    client.force_login(tess)
    made = client.post(reverse("assessments:invite", args=[team.pk]), {"role": "manager"})
    assert made.status_code == 302
    invite = Invite.objects.get(role=Membership.Role.MANAGER)
    joined = client.post(reverse("join", args=[invite.token]), follow=True)
    assert "cannot make you one of the team" in joined.content.decode()
    assert not Membership.objects.filter(user=tess, role=Membership.Role.MANAGER).exists()
    # On the people page, as a member of the team she leads, she cannot promote herself.
    MembershipFactory(team=team, user=tess)
    change = reverse("assessments:change_person", args=[team.pk, tess.pk])
    refused = client.post(change, {"action": "manager"}, follow=True)
    assert "You cannot make yourself one of the team" in refused.content.decode()
    assert Membership.objects.get(team=team, user=tess).role == Membership.Role.MEMBER
    page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    assert "Joint visits" not in page.content.decode()
    # Another lead may make her a manager; then, and only then, she reads evidence.
    other = with_authenticator(UserFactory(username="olga"))
    TrainingLeadFactory(organisation=team.organisation, user=other)
    client.force_login(other)
    client.post(change, {"action": "manager"})
    client.force_login(tess)
    page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    assert "Joint visits" in page.content.decode()


def test_a_lead_who_manages_another_team_reads_evidence_only_on_that_team(client, team, alice):
    lena = with_authenticator(UserFactory(username="lena"))
    TrainingLeadFactory(organisation=team.organisation, user=lena)
    south = TeamFactory(name="South", organisation=team.organisation)
    MembershipFactory(team=south, user=lena, role=Membership.Role.MANAGER)
    sam = MembershipFactory(team=south, user__username="sam", shares_evidence=True).user
    Membership.objects.filter(team=team, user=alice).update(shares_evidence=True)
    rate(alice, {(1, 1): ("achieved", "Alice's joint visits")})
    rate(sam, {(1, 1): ("achieved", "Sam's joint visits")})
    client.force_login(lena)
    north_page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    south_page = client.get(reverse("assessments:member_assessment", args=[south.pk, sam.pk]))
    assert north_page.status_code == south_page.status_code == 200
    assert "Alice's joint visits" not in north_page.content.decode()  # leads it only
    assert "Sam&#x27;s joint visits" in south_page.content.decode()  # manages it


def test_who_someone_is_costs_no_query_and_a_role_given_counts_from_the_next_page(
    client, team, alice
):
    client.force_login(alice)
    page = reverse("assessments:profile")
    before = count_queries(client, page)
    assert "Teams I manage" not in client.get(page).content.decode()
    Membership.objects.filter(team=team, user=alice).update(role=Membership.Role.MANAGER)
    assert "Teams I manage" in client.get(page).content.decode()  # no sign-in again
    assert count_queries(client, page) == before  # the roles come with the user row
    assert not [key for key in client.session.keys() if "manage" in key or "lead" in key]


def test_roles_are_worked_out_once_per_request(alice):
    """Three questions about one user object, one query at most."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = roles.who_is(alice)
        assert roles.who_is(alice) is first and roles.who_is(alice).manages is False
    assert len(queries) == 1
    TrainingLeadFactory(organisation__name="Trust Z", user=alice)
    assert roles.who_is(alice, fresh=True).leads
