from django.urls import path

from . import views

app_name = "assessments"

# A practitioner's pages show only their own records and take no object ids;
# team pages take ids and pass them through access.py.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("level/<int:level>/domain/<int:domain>/", views.grid, name="grid"),
    path("gaps/", views.gaps, name="gaps"),
    path("plan/", views.plan, name="plan"),
    path("plan/print/", views.plan_print, name="plan_print"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("history/", views.history, name="history"),
    path("export.json", views.export_json, name="export_json"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("delete/", views.delete_account, name="delete_account"),
    path("memberships/<int:pk>/share/", views.share, name="share"),
    path("teams/", views.teams, name="teams"),
    path("organisation/", views.organisation, name="organisation"),
    path("teams/<int:pk>/", views.team_report, name="team_report"),
    path("teams/<int:pk>/report.csv", views.team_report_csv, name="team_report_csv"),
    path("teams/<int:pk>/report.xlsx", views.team_report_xlsx, name="team_report_xlsx"),
    path("teams/<int:pk>/plan/", views.team_plan, name="team_plan"),
    path("teams/<int:pk>/plan.csv", views.team_plan_csv, name="team_plan_csv"),
    path("teams/<int:pk>/plan.xlsx", views.team_plan_xlsx, name="team_plan_xlsx"),
    path(
        "teams/<int:pk>/members/<int:member_id>/", views.member_assessment, name="member_assessment"
    ),
    path("teams/<int:pk>/members/<int:member_id>/review/", views.review, name="review"),
    path("teams/<int:pk>/invite/", views.invite, name="invite"),
    path("teams/<int:pk>/invites/<int:invite_id>/", views.invite_link, name="invite_link"),
]
