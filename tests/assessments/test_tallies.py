"""The team tallies (and each person's achievements per level) stay equal to a full
count whatever is written, in whatever order:
ratings saved, people joining and leaving teams, a member made a manager, a job role
changed, an account or a team deleted. On SQLite and on PostgreSQL (the database keeps
them), and with many people saving at once on PostgreSQL."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessments.accounts.services import delete_account
from assessments.items import load_framework
from assessments.models import JobRole, Membership, Rating, Status, Team, User
from assessments.ratings.services import Entry, fingerprint, save_domain
from assessments.teams import tallies
from tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory

PEOPLE = 4
TEAMS = 2
ROLES = [JobRole.HEALTH_VISITOR, JobRole.MIDWIFE, ""]

person = st.integers(0, PEOPLE - 1)
team_no = st.integers(0, TEAMS - 1)
rate = st.tuples(
    st.just("rate"),
    person,
    st.integers(1, 2),  # few levels and domains, so the same items are saved again
    st.integers(1, 2),
    st.sampled_from([Status.ACHIEVED, Status.WORKING_TOWARDS, Status.NOT_ASSESSED]),
)
operation = st.one_of(
    rate,
    rate,  # saves are the commonest write: drawn more often
    st.tuples(st.just("join"), person, team_no, st.sampled_from(list(Membership.Role))),
    st.tuples(st.just("leave"), person, team_no),
    st.tuples(st.just("job"), person, st.sampled_from(ROLES)),
    st.tuples(st.just("delete"), person),
    st.tuples(st.just("disband"), team_no),
)


def rate_domain(user, level: int, domain: int, status: str) -> None:
    """Save every item of a domain with `status`, as the grid does (current versions)."""
    framework = load_framework()
    current = {
        r.competency_id: r for r in Rating.objects.filter(user=user, level=level, domain=domain)
    }
    entries = []
    for item in framework.items[(level, domain)]:
        seen = current.get(item.competency_id)
        entries.append(
            Entry(
                item,
                status,
                "",
                seen.version if seen else 0,
                seen.status if seen else Status.NOT_ASSESSED,
                fingerprint(seen.evidence if seen else ""),
            )
        )
    save_domain(user=user, editor=user, level=level, domain=domain, entries=entries)


def apply(operations, people: list[User], teams: list[Team]) -> None:
    for kind, *args in operations:
        if kind == "rate":
            index, level, domain, status = args
            rate_domain(people[index], level, domain, status)
        elif kind == "join":
            index, team, role = args
            Membership.objects.update_or_create(
                team=teams[team], user=people[index], defaults={"role": role}
            )
        elif kind == "leave":
            index, team = args
            Membership.objects.filter(team=teams[team], user=people[index]).delete()
        elif kind == "job":
            index, role = args
            people[index].job_role = role
            people[index].save(update_fields=["job_role"])
        elif kind == "delete":
            (index,) = args
            delete_account(user=people[index])
            people[index] = UserFactory(username=f"again-{people[index].username}")
        elif kind == "disband":
            (team,) = args
            old = teams[team]
            teams[team] = TeamFactory(name=f"{old.name} again", organisation=old.organisation)
            old.delete()


def cast() -> tuple[list[User], list[Team]]:
    trust = OrganisationFactory(name="Trust A")
    people = [UserFactory(username=f"p{i}", job_role=ROLES[i % len(ROLES)]) for i in range(PEOPLE)]
    teams = [TeamFactory(name=f"Team {i}", organisation=trust) for i in range(TEAMS)]
    return people, teams


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, max_size=16))
@example(
    operations=[  # achieved, then taken back: each count must come down again
        ("join", 0, 0, Membership.Role.MEMBER),
        ("rate", 0, 1, 1, Status.ACHIEVED),
        ("rate", 0, 1, 1, Status.WORKING_TOWARDS),
    ]
)
def test_any_sequence_of_writes_leaves_the_tallies_equal_to_a_full_count(catalogue, operations):
    with transaction.atomic():
        people, teams = cast()
        apply(operations, people, teams)
        assert tallies.drift() == []
        assert tallies.stored() == {k: v for k, v in tallies.counted().items() if v}
        transaction.set_rollback(True)


def test_a_team_report_figure_comes_from_the_tally(catalogue):
    people, teams = cast()
    for person in people[:3]:
        MembershipFactory(team=teams[0], user=person)
    rate_domain(people[0], 1, 2, Status.ACHIEVED)
    rate_domain(people[1], 1, 2, Status.ACHIEVED)
    counts = tallies.team_counts(teams[0].pk, level=1)
    ref = load_framework().items[(1, 2)][0].ref
    assert counts.members == 3 and counts.achieved[ref] == 2
    midwives = tallies.team_counts(teams[0].pk, level=1, job_role=JobRole.MIDWIFE)
    assert midwives.members == 1 and midwives.achieved[ref] == 1  # people[1] is the midwife


def test_recount_check_reports_drift_and_recount_mends_it(catalogue, capsys):
    people, teams = cast()
    MembershipFactory(team=teams[0], user=people[0])
    rate_domain(people[0], 1, 1, Status.ACHIEVED)
    call_command("recount", "--check")
    assert "Every team tally matches" in capsys.readouterr().out
    with connection.cursor() as cursor:  # as a restore of an old copy might leave it
        cursor.execute("UPDATE assessments_teamtally SET people = people + 5")
    with pytest.raises(CommandError, match="differ from a full count"):
        call_command("recount", "--check")
    assert f"team {teams[0].pk}, job role health_visitor, members: tally 6, counted 1" in (
        capsys.readouterr().out
    )
    call_command("recount")
    assert tallies.drift() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_saves_joins_and_leaves_keep_the_tallies_exact(catalogue):
    """Eight people in two teams save the same domains, join and leave at the same
    instant, each on its own connection, several rounds."""
    people = [UserFactory(username=f"w{i}", job_role=ROLES[i % 3]) for i in range(8)]
    trust = OrganisationFactory(name="Trust A")
    teams = [TeamFactory(name=f"Team {i}", organisation=trust) for i in range(2)]
    for i, person in enumerate(people):
        MembershipFactory(team=teams[i % 2], user=person)
    errors: list = []

    def work(index: int, round_: int) -> None:
        try:
            start.wait()
            person = User.objects.get(pk=people[index].pk)
            status = Status.ACHIEVED if (index + round_) % 3 else Status.WORKING_TOWARDS
            rate_domain(person, 1 + round_ % 2, 1 + index % 3, status)
            other = teams[(index + 1) % 2]
            if round_ % 2:
                Membership.objects.filter(team=other, user=person).delete()
            else:
                Membership.objects.get_or_create(team=other, user=person)
        except Exception as error:  # noqa: BLE001 - reported below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    for round_ in range(4):
        start = threading.Barrier(len(people))
        threads = [threading.Thread(target=work, args=(i, round_)) for i in range(len(people))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
    assert Rating.objects.filter(status=Status.ACHIEVED).exists()
    assert tallies.drift() == []
