"""Organisations are records (issue 12, item 1 in part): the migration turns each
team's organisation text into a record without losing a word, and back again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0009_user_session_stamp")]
AFTER = [("assessments", "0010_organisation_records")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_each_teams_organisation_over_and_back():
    try:
        old = migrate(BEFORE)
        Team = old.get_model("assessments", "Team")
        Team.objects.create(name="North", organisation="Trust A")
        Team.objects.create(name="South", organisation="Trust A")
        Team.objects.create(name="East", organisation="Health Board B")
        new = migrate(AFTER)
        Organisation = new.get_model("assessments", "Organisation")
        Team = new.get_model("assessments", "Team")
        assert sorted(Organisation.objects.values_list("name", flat=True)) == [
            "Health Board B",
            "Trust A",
        ]
        by_team = dict(Team.objects.values_list("name", "organisation__name"))
        assert by_team == {"North": "Trust A", "South": "Trust A", "East": "Health Board B"}
        back = migrate(BEFORE)
        Team = back.get_model("assessments", "Team")
        assert dict(Team.objects.values_list("name", "organisation")) == {
            "North": "Trust A",
            "South": "Trust A",
            "East": "Health Board B",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
