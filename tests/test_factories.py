"""People and teams in tests come from the factories (issue 21, item 6): a test module
that makes a person with `create_user` or a team with `Team.objects.create` fails here,
unless it is on the list below of modules not converted yet, a list that only shrinks."""

import re
from pathlib import Path

from django.urls import reverse

from tests.factories import (
    PASSWORD,
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
)

TESTS = Path(__file__).resolve().parent
BY_HAND = re.compile(r"\.objects\.create_user\(|\bTeam\.objects\.create\(")
# A migration test builds the Team of before the migration from the migration state;
# no factory builds that model, so such a line says so.
HISTORICAL = "# historical model"

# Not yet converted: remove a module from this list once it uses the factories.
NOT_YET_CONVERTED: set[str] = set()  # every test module now uses the factories


def made_by_hand() -> dict[str, list[int]]:
    """Each test module (and conftest) that makes people or teams directly, with the
    line numbers where it does."""
    found: dict[str, list[int]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        if name in ("factories.py", "test_factories.py"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        hits = [
            number
            for number, line in enumerate(lines, start=1)
            if BY_HAND.search(line) and HISTORICAL not in line
        ]
        if hits:
            found[name] = hits
    return found


def test_people_and_teams_in_tests_come_from_the_factories():
    by_hand = made_by_hand()
    new = {name: lines for name, lines in by_hand.items() if name not in NOT_YET_CONVERTED}
    assert new == {}, "make people and teams with tests.factories (UserFactory, TeamFactory…)"


def test_the_list_of_modules_not_yet_converted_only_shrinks():
    """A module converted since is taken off the list, so it cannot slip back."""
    assert sorted(NOT_YET_CONVERTED - made_by_hand().keys()) == []


def test_the_guard_sees_each_way_of_making_people_and_teams_by_hand():
    made = [
        'User.objects.create_user("alice")',
        'django_user_model.objects.create_user("alice")',
        'Team.objects.create(name="North", organisation=trust)',
    ]
    assert all(BY_HAND.search(line) for line in made)
    assert not BY_HAND.search('UserFactory(username="alice")')


def test_a_factory_person_signs_in_with_the_test_password(client, db):
    person = UserFactory(username="dana")
    assert person.email == "dana@example.org" and person.job_role == ""
    answer = client.post(reverse("account_login"), {"login": "dana", "password": PASSWORD})
    assert answer.status_code == 302


def test_a_factory_membership_is_a_plain_member_of_a_team_of_an_organisation(db):
    membership = MembershipFactory(team__name="North", team__organisation__name="Trust A")
    assert membership.role == "member" and not membership.shares_evidence
    assert str(membership.team) == "North (Trust A)"
    # Teams named for the same organisation share its one record.
    assert TeamFactory(organisation__name="Trust A").organisation == membership.team.organisation
    lead = TrainingLeadFactory(organisation=membership.team.organisation)
    assert lead.user.leads.get().organisation.name == "Trust A"
