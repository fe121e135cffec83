"""Teams: sharing evidence, the report's content, paging and query counts from 5 to
500 members. Who may open which team page is tried for every URL and role in
security/test_every_url.py."""

import pytest
from django.urls import reverse

from assessments.models import Membership, Rating, User
from tests.assessments.helpers import rate, signup_form
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
SECRET = "A note about a baby's weight that Alice keeps private"


def test_a_manager_cannot_reach_another_teams_member_through_their_own_team(
    client, team, manager, outsider
):
    carol = User.objects.get(username="carol")
    client.force_login(manager)
    url = reverse("assessments:member_assessment", args=[team.pk, carol.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("assessments:teams")).content.decode().count("North locality") == 0


def test_evidence_stays_private_until_shared_and_goes_again_when_withdrawn(
    client, team, manager, alice
):
    rate(alice, {(1, 1): ("working_towards", SECRET)})
    page = reverse("assessments:member_assessment", args=[team.pk, alice.pk])
    client.force_login(manager)
    body = client.get(page).content.decode()
    assert "Working towards" in body and "baby&#x27;s weight" not in body
    assert "Evidence is private" in body

    membership = Membership.objects.get(team=team, user=alice)
    client.force_login(alice)
    client.post(reverse("assessments:share", args=[membership.pk]), {"share": "1"})
    client.force_login(manager)
    assert "baby&#x27;s weight" in client.get(page).content.decode()

    client.force_login(alice)
    client.post(reverse("assessments:share", args=[membership.pk]), {"share": "0"})
    client.force_login(manager)
    assert "baby&#x27;s weight" not in client.get(page).content.decode()


def test_anonymous_visitor_cannot_share(client, team, alice):
    membership = Membership.objects.get(team=team, user=alice)
    response = client.post(reverse("assessments:share", args=[membership.pk]), {"share": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Membership.objects.get(pk=membership.pk).shares_evidence


def test_nobody_can_share_someone_elses_membership(client, team, alice, bob):
    membership = Membership.objects.get(team=team, user=alice)
    client.force_login(bob)
    response = client.post(reverse("assessments:share", args=[membership.pk]), {"share": "1"})
    assert response.status_code == 404
    assert not Membership.objects.get(pk=membership.pk).shares_evidence


def test_practitioner_pages_say_who_can_see_what(client, team, alice):
    client.force_login(alice)
    body = client.get(reverse("assessments:profile")).content.decode()
    assert "your <strong>evidence notes</strong> stay private" in body
    assert "Its managers see your statuses only." in body


def test_report_shows_symbols_summary_and_top_gaps(client, team, manager, alice, bob):
    rate(alice, {(1, 1): ("achieved", ""), (1, 2): ("working_towards", "")})
    rate(bob, {(1, 1): ("achieved", "")})
    client.force_login(manager)
    body = client.get(reverse("assessments:team_report", args=[team.pk])).content.decode()
    assert "2 members, at Level 1" in body
    assert "100% (2 of 2)" in body  # domain 1: both achieved
    assert "<li>Domain 7: Working within relevant legal and professional frameworks: 2 of 2" in body
    working = '<td class="hm-working"><span aria-hidden="true">◐</span>'
    assert working + '<span class="visually-hidden">Working towards</span></td>' in body


def test_report_filters_by_job_role_and_domain(client, team, manager):
    client.force_login(manager)
    url = reverse("assessments:team_report", args=[team.pk])
    body = client.get(
        url, {"job_role": "early_years", "level": "2", "domain": "3"}
    ).content.decode()
    assert "1 member in this role, at Level 2" in body
    assert ">bob<" in body and ">alice<" not in body
    assert ">Domain 3<" in body and ">Domain 1<" not in body  # names, not "D3"
    # Every panel follows the filters: the per-domain summary and the top gaps too.
    report = client.get(url, {"level": "2", "domain": "3"}).context["report"]
    assert [s.number for s in report.summaries] == [3]
    assert {g.item.domain for g in report.top_gaps} <= {3}
    bad = client.get(url, {"level": "9"})
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def add_members(team, n, start=0):
    users = User.objects.bulk_create(
        User(username=f"m{team.pk}-{i:03d}", last_name=f"Member {i:03d}", job_role="midwife")
        for i in range(start, start + n)
    )
    Membership.objects.bulk_create(Membership(team=team, user=u) for u in users)
    Rating.objects.bulk_create(
        Rating(
            user=u, level_id=1, domain_id=d, status="achieved" if (i + d) % 2 else "working_towards"
        )
        for i, u in enumerate(users)
        for d in range(1, 8)
    )


def test_report_pages_through_members(client, team, manager):
    add_members(team, 30)
    client.force_login(manager)
    url = reverse("assessments:team_report", args=[team.pk])
    first = client.get(url).content.decode()
    assert "Page 1 of 2." in first and "Member 000" in first and "Member 029" not in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Member 029" in second


def test_report_queries_are_constant_from_5_to_500_members_and_at_most_eight(client, team, manager):
    add_members(team, 3)  # 5 members with Alice and Bob
    client.force_login(manager)
    url = reverse("assessments:team_report", args=[team.pk])
    small = count_queries(client, url)
    add_members(team, 495, start=3)
    large = count_queries(client, url)
    # session, user, the managed team, domains, competencies, the team's tallies (member
    # count, achieved counts per item), one page of members, their statuses
    assert small == large == 8


def test_heatmap_exports_have_every_member_with_labels(client, team, manager, alice, bob):
    import csv
    import io

    from openpyxl import load_workbook

    add_members(team, 30)
    rate(alice, {(1, 1): ("achieved", ""), (2, 1): ("working_towards", "")})
    alice.first_name, alice.last_name = "=cmd", "Hughes"
    alice.save()
    client.force_login(manager)
    response = client.get(reverse("assessments:team_report_csv", args=[team.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"  # names with accents
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    # What the file is, said in its name and its first row.
    assert response["Content-Disposition"] == 'attachment; filename="north-locality-level-1.csv"'
    assert rows[0] == ["Heat map for North locality (Trust A), Level 1"] and rows[1] == []
    assert rows[2][:3] == ["Member", "Job role", "Domain 1: Relationship-based practice"]
    assert len(rows) == 3 + 32  # every member, not one page
    alice_row = next(r for r in rows if r and "Hughes" in r[0])
    assert alice_row[:3] == ["'=cmd Hughes", "Health visitor", "Achieved"]
    xlsx = client.get(
        reverse("assessments:team_report_xlsx", args=[team.pk]),
        {"level": "2", "domain": "1", "job_role": "health_visitor"},
    )
    assert xlsx["Content-Disposition"].endswith(
        'filename="north-locality-level-2-domain-1-health-visitor.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "Level 2"
    assert sheet["A1"].value == (
        "Heat map for North locality (Trust A), Level 2, Domain 1: Relationship-based practice, "
        "job role: health visitor"
    )
    statuses = {row[0]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert statuses == {"'=cmd Hughes": "Working towards"}  # the role filter applies
    xlsx = client.get(reverse("assessments:team_report_xlsx", args=[team.pk]), {"level": "2"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    statuses = {row[0]: row[2] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert len(statuses) == 32 and statuses["'=cmd Hughes"] == "Working towards"
    assert statuses["bob"] == "Not yet assessed"


def test_team_plan_adds_up_each_members_own_plan(client, team, manager, alice, bob):
    # Both lack only Level 2 domain 5: each member's plan is the Intervention Training module.
    alice.first_name, alice.last_name = "Alice", "Hughes"
    alice.save()
    for member in (alice, bob):
        rate(member, {(2, d): ("achieved", "") for d in range(1, 8) if d != 5})
    client.force_login(manager)
    body = client.get(reverse("assessments:team_plan", args=[team.pk]), {"level": "2"})
    page = body.content.decode()
    assert "Module Infant Mental Health Intervention Training (20 credits)" in page
    assert "£3,334 standard" in page and "£2,474 NHS-funded" in page  # 2 × £1,667 / £1,237
    assert "2: bob, Alice Hughes" in page  # by surname; bob has given none
    plan_csv = client.get(reverse("assessments:team_plan_csv", args=[team.pk]), {"level": "2"})
    text = b"".join(plan_csv.streaming_content).decode()
    assert (
        "Module Infant Mental Health Intervention Training" in text
        and "bob; Alice Hughes,0,2,3334.00,2474.00" in text
    )
    assert "Worked out from the published rate of £1,667 per 20 credits" in text


def test_team_plan_lists_unmet_need(client, team, manager, alice, bob):
    client.force_login(manager)
    page = client.get(reverse("assessments:team_plan", args=[team.pk]), {"level": "3"})
    text = page.content.decode()
    assert "Domain 7: Working within relevant legal and professional frameworks: 2 members" in text


def test_sign_off_keeps_a_snapshot_and_the_member_sees_it(client, team, manager, alice):
    from assessments.models import Review

    rate(alice, {(1, 1): ("achieved", "Before sign-off")})
    url = reverse("assessments:review", args=[team.pk, alice.pk])
    client.force_login(manager)
    assert client.post(url, {"comment": "Good", "sign_off": "1"}).status_code == 403  # not shared
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.post(url, {"comment": "Good work on joint visits", "sign_off": "1"})
    rate(alice, {(1, 2): ("achieved", "After sign-off")})

    review = Review.objects.get()
    assert (review.manager, review.signed_off) == (manager, True)
    assert [s["evidence"] for s in review.snapshot] == ["Before sign-off"]
    client.force_login(alice)
    page = client.get(reverse("assessments:profile")).content.decode()
    assert "Signed off</strong> by mina (North locality)" in page
    assert "Good work on joint visits" in page


def test_an_invite_link_works_once_and_only_before_it_expires(client, team, manager):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Invite

    client.force_login(manager)
    made = client.post(reverse("assessments:invite", args=[team.pk]))
    invite = Invite.objects.get()
    # The link is shown on a page of its own, never carried in a message cookie.
    assert made["Location"] == reverse("assessments:invite_link", args=[team.pk, invite.pk])
    assert invite.token not in str(made.cookies)
    page = client.get(made["Location"])
    assert f"/join/{invite.token}/" in page.content.decode()

    dan = UserFactory(username="dan")
    join = reverse("join", args=[invite.token])
    client.logout()
    assert "Sign in to join" in client.get(join).content.decode()  # the page says what to do
    assert client.post(join)["Location"].startswith(
        reverse("account_login")
    )  # joining needs a sign-in
    client.force_login(dan)
    done = client.post(join, follow=True).content.decode()
    assert "You joined North locality." in done
    assert Membership.objects.get(team=team, user=dan).role == "member"
    client.force_login(manager)
    used = client.get(made["Location"]).content.decode()
    assert "was used" in used and "by dan" in used and invite.token not in used

    eve = UserFactory(username="eve")
    client.force_login(eve)
    again = client.post(join, follow=True).content.decode()
    assert "already been used" in again
    assert not Membership.objects.filter(user=eve).exists()

    client.force_login(manager)
    client.post(reverse("assessments:invite", args=[team.pk]))
    late = Invite.objects.filter(used_at=None).get()
    Invite.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(eve)
    expired = client.post(reverse("join", args=[late.token]), follow=True).content.decode()
    assert "has expired" in expired
    assert (
        "is not valid" in client.post(reverse("join", args=["nope"]), follow=True).content.decode()
    )


def test_organisation_view_is_for_admins_and_hides_small_teams(
    client, team, alice, bob, admin_user
):
    big = TeamFactory(name="South locality", organisation__name="Trust A")
    for i in range(3):
        member = MembershipFactory(team=big, user__username=f"s{i}").user
        rate(member, {(1, 1): ("achieved", "")})
    rate(alice, {(1, 1): ("achieved", "")})
    url = reverse("assessments:organisation", args=[team.organisation_id])
    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert "hidden: fewer than 3 members" in page  # North locality has 2 members
    south = page[page.index("South locality") :]
    assert '<td data-label="Domain 1">100%</td>' in south[:400]  # all three achieved domain 1


def test_team_plan_queries_are_constant_from_5_to_500_members(client, team, manager):
    add_members(team, 3)
    client.force_login(manager)
    url = reverse("assessments:team_plan", args=[team.pk])
    small = count_queries(client, url, data={"level": "1"})
    add_members(team, 495, start=3)
    large = count_queries(client, url, data={"level": "1"})
    # session, user, the managed team, domains, competencies, coverage, fees, modules,
    # members' names with what they have achieved (one row each)
    assert small == large == 9


def test_team_budget_queries_are_constant_from_5_to_500_members(client, team, manager):
    client.force_login(manager)
    url = reverse("assessments:team_budget", args=[team.pk])
    data = {"level": "1", "budget": "10000"}
    small = count_queries(client, url, data=data)
    add_members(team, 495, start=3)
    large = count_queries(client, url, data=data)
    # session, user, the managed team, domains, competencies, coverage, fees, modules,
    # members' names and target levels with what they have achieved (one row each), and
    # the training records of the funded places' courses
    assert small == large == 10


def test_team_plan_matches_each_members_own_plan_on_a_full_framework(team, manager):
    """Members with different gaps on a fully worded framework (each has finished a
    different choice of domains): the team plan buys for each member exactly what their
    own plan would, however many of them share one computation."""
    import random

    from assessments.items import load_framework
    from assessments.plans.gaps import find_gaps
    from assessments.plans.offers import build_options, read_offers
    from assessments.plans.optimiser import best_plan
    from assessments.ratings.progress import answers_by_key
    from assessments.teams.team_plan import team_plan
    from tests.factories import build_full_framework

    build_full_framework()
    framework, catalogue = load_framework(), read_offers()
    rng = random.Random(4)
    users = User.objects.bulk_create(User(username=f"v{i:02d}") for i in range(40))
    Membership.objects.bulk_create(Membership(team=team, user=u) for u in users)
    Rating.objects.bulk_create(
        Rating(
            user=user,
            level_id=1,
            domain_id=item.domain,
            competency_id=item.competency_id,
            status="achieved" if done or rng.random() < 0.5 else "working_towards",
        )
        for user in users
        for domain, done in ((d.number, rng.random() < 0.5) for d in framework.domains)
        for item in framework.items[(1, domain)]
    )
    plan = team_plan(team, framework, catalogue, level=1)
    expected: dict[str, list[str]] = {}
    for membership in team.memberships.filter(role="member").select_related("user"):
        found = find_gaps(framework, answers_by_key(membership.user), 1, catalogue)
        gaps = [g for g in found if g.item.level == 1]
        own = best_plan(frozenset(g.key for g in gaps), build_options(gaps, catalogue, nhs=False))
        for option in own.chosen:
            expected.setdefault(option.key, []).append(membership.user.username)
    got = {course.option.key: sorted(course.members) for course in plan.courses}
    assert got == {key: sorted(names) for key, names in expected.items()}
    assert len({len(names) for names in got.values()}) > 1  # members' plans do differ


def test_the_organisation_view_and_the_team_report_agree_after_the_wording_is_imported(
    client, manager, admin_user
):
    """Three members rate Domain 1 as a whole, the full wording is then imported, and
    they rate all ten of its competencies: the old whole-domain rows stay in the
    database (history), but only the items that now exist count, on both pages."""
    from tests.factories import build_full_framework

    team = TeamFactory(name="East locality", organisation__name="Trust B")
    members = []
    for i in range(3):
        member = MembershipFactory(team=team, user__username=f"e{i}").user
        rate(member, {(1, 1): ("achieved", "")})  # Domain 1 as a whole
        members.append(member)
    build_full_framework()
    for member in members:
        rate(member, {(1, 1): ("achieved", "")})  # now each of its 10 competencies
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    client.force_login(manager)
    report = client.get(reverse("assessments:team_report", args=[team.pk]), {"level": 1})
    assert report.context["report"].summaries[0].percent == 100
    client.force_login(admin_user)
    url = reverse("assessments:organisation", args=[team.organisation_id])
    overview = client.get(url, {"level": 1})
    (row,) = overview.context["overview"].page.object_list
    assert row.percents[0] == 100


def test_an_invitation_names_its_team_and_survives_signing_up(client, team, manager, settings):
    """The newcomer opens the link without an account, sees the team and organisation,
    creates an account from there and lands back on the join page."""
    from assessments.teams.services import create_invite

    settings.IMHCF_SIGNUP_OPEN = True
    invite = create_invite(team=team, manager=manager)
    link = reverse("join", args=[invite.token])
    page = client.get(link).content.decode()
    assert f"Join {team.name}" in page and team.organisation.name in page
    assert f'href="/accounts/signup/?next={link}"' in page
    response = client.post(
        reverse("account_signup") + f"?next={link}", signup_form("Nia", "Evans", "nia", next=link)
    )
    assert response.status_code == 302 and response["Location"] == link
    joined = client.post(link)
    assert joined.status_code == 302
    assert team.memberships.filter(user__username="nia", role="member").exists()


def test_a_sign_up_never_sends_you_to_another_site(client, catalogue, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(
        reverse("account_signup"), signup_form("Eve", "Out", "eve", next="https://evil.example/")
    )
    assert response["Location"] == "/me/level/1/domain/1/"


def test_a_bad_invitation_link_says_so_without_naming_any_team(client, team):
    page = client.get(reverse("join", args=["not-a-token"])).content.decode()
    assert "This invitation link is not valid." in page and team.name not in page


def test_a_manager_lands_on_their_team_and_a_practitioner_sees_no_teams_menu(
    client, team, manager, alice
):
    from tests.security.helpers import sign_in_with_both_factors

    signed = client.post(reverse("account_login"), {"login": "alice", "password": "x-pass-12345"})
    assert client.get(signed["Location"])["Location"] == reverse("assessments:dashboard")
    assert "Teams I manage" not in client.get(reverse("assessments:dashboard")).content.decode()
    client.logout()
    done = sign_in_with_both_factors(client, manager)
    landed = client.get(done["Location"])
    assert landed["Location"] == reverse("assessments:team_report", args=[team.pk])
    assert "Teams I manage" in client.get(reverse("assessments:dashboard")).content.decode()
