"""/api/v1/organisations/...: URLs of the organisation API. Every view is wrapped with
`login_not_required`: LoginRequiredMiddleware would send a program with an API key to
the sign-in page; the views refuse anyone with neither a session nor a key themselves
(keys.SignedInOrKey), and decide what each may see through access.api_organisation."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import staff, teams

ORGANISATION = "organisations/<int:pk>/"
TEAM = ORGANISATION + "teams/<int:team>/"

urlpatterns = [
    path(
        "organisations/",
        login_not_required(teams.OrganisationList.as_view()),
        name="organisations",
    ),
    path(
        ORGANISATION,
        login_not_required(teams.OrganisationDetail.as_view()),
        name="organisation",
    ),
    path(
        ORGANISATION + "teams/",
        login_not_required(teams.TeamList.as_view()),
        name="organisation_teams",
    ),
    path(
        TEAM + "members/",
        login_not_required(teams.MemberList.as_view()),
        name="team_members",
    ),
    path(
        TEAM + "tally/",
        login_not_required(teams.TeamTallyView.as_view()),
        name="team_tally",
    ),
    path(
        TEAM + "plan/",
        login_not_required(teams.TeamPlanView.as_view()),
        name="team_plan",
    ),
    path(
        ORGANISATION + "staff/",
        login_not_required(staff.StaffWrite.as_view()),
        name="organisation_staff",
    ),
]
