from django.urls import path

from .accounts import api_tokens
from .accounts import views as accounts
from .models import Job
from .plans import views as plans
from .portfolio import learning_views as learning
from .portfolio import prepared
from .portfolio import views as portfolio
from .ratings import views as ratings
from .teams import api_keys_views as api_keys
from .teams import learning_views as staff_learning
from .teams import staff_views as staff
from .teams import views as teams

app_name = "assessments"

# Every page that takes an object id (a record, a reflection, a file, a membership,
# a team, an organisation) fetches it through security/access.py, which answers 404
# for anyone else's. The views live with their concern: accounts/, ratings/, plans/,
# portfolio/, teams/.
urlpatterns = [
    path("", ratings.dashboard, name="dashboard"),
    path("profile/", accounts.profile, name="profile"),
    path("api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("api-tokens/new/", api_tokens.api_token_new, name="api_token_new"),
    path("api-tokens/<str:prefix>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
    path("level/<int:level>/domain/<int:domain>/", ratings.grid, name="grid"),
    path("level/<int:level>/domain/<int:domain>/files/", portfolio.item_file, name="item_file"),
    path("gaps/", plans.gaps, name="gaps"),
    path("plan/", plans.plan, name="plan"),
    path("plan/print/", plans.plan_print, name="plan_print"),
    path("plan.pdf", plans.plan_pdf, name="plan_pdf"),
    path("history/", ratings.history, name="history"),
    path("export.json", accounts.export_json, name="export_json"),
    path("export.csv", accounts.export_csv, name="export_csv"),
    # Big downloads are prepared on the queue: a POST asks, the job's page follows it.
    path("export.zip", prepared.ask, {"kind": Job.Kind.RECORD_ZIP}, name="export_zip"),
    path("downloads/<int:job>/", prepared.page, name="prepared"),
    path("downloads/<int:job>/<str:filename>", prepared.download, name="prepared_file"),
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("portfolio/registration/", portfolio.registration, name="registration"),
    path("portfolio/dates.ics", portfolio.dates_ics, name="dates_ics"),
    path("portfolio/pack.pdf", prepared.ask, {"kind": Job.Kind.PACK_PDF}, name="pack_pdf"),
    path("portfolio/pack.zip", prepared.ask, {"kind": Job.Kind.PACK_ZIP}, name="pack_zip"),
    path("portfolio/records/new/", portfolio.record_new, name="record_new"),
    path("portfolio/records/<int:pk>/", portfolio.record, name="record"),
    path("portfolio/records/<int:pk>/delete/", portfolio.record_delete, name="record_delete"),
    path("portfolio/records/<int:pk>/files/", portfolio.record_file, name="record_file"),
    path("portfolio/reflections/new/<str:kind>/", portfolio.reflection_new, name="reflection_new"),
    path("portfolio/reflections/<int:pk>/", portfolio.reflection, name="reflection"),
    path(
        "portfolio/reflections/<int:pk>/delete/",
        portfolio.reflection_delete,
        name="reflection_delete",
    ),
    path(
        "portfolio/reflections/<int:pk>/files/", portfolio.reflection_file, name="reflection_file"
    ),
    # Learning brought in from another system: proposed records she confirms or discards.
    path("portfolio/bring-in/", learning.bring_in, name="bring_in"),
    path("portfolio/bring-in/template.csv", learning.bring_in_template, name="bring_in_template"),
    path("portfolio/proposed/", learning.proposal_list, name="proposals"),
    path(
        "portfolio/proposed/confirm-all/",
        learning.proposal_confirm_all,
        name="proposal_confirm_all",
    ),
    path("portfolio/proposed/<int:pk>/", learning.proposal, name="proposal"),
    path(
        "portfolio/proposed/<int:pk>/confirm/", learning.proposal_confirm, name="proposal_confirm"
    ),
    path(
        "portfolio/proposed/<int:pk>/discard/", learning.proposal_discard, name="proposal_discard"
    ),
    path("portfolio/files/<int:pk>/delete/", portfolio.file_delete, name="file_delete"),
    path("files/<int:pk>/<str:name>", portfolio.evidence_file, name="evidence_file"),
    path("delete/", accounts.delete_account, name="delete_account"),
    path("memberships/<int:pk>/share/", accounts.share, name="share"),
    path("start/", teams.start, name="start"),
    path("teams/", teams.teams, name="teams"),
    path("organisations/", teams.organisations, name="organisations"),
    path("organisations/<int:pk>/", teams.organisation, name="organisation"),
    path("organisations/<int:pk>/api-keys/", api_keys.api_keys, name="api_keys"),
    path("organisations/<int:pk>/api-keys/new/", api_keys.api_key_new, name="api_key_new"),
    path(
        "organisations/<int:pk>/api-keys/<str:prefix>/revoke/",
        api_keys.api_key_revoke,
        name="api_key_revoke",
    ),
    path("organisations/<int:pk>/teams/new/", staff.new_team, name="new_team"),
    path("organisations/<int:pk>/import/", staff.staff_import, name="staff_import"),
    path(
        "organisations/<int:pk>/import/confirm/",
        staff.staff_import_confirm,
        name="staff_import_confirm",
    ),
    path(
        "organisations/<int:pk>/import/sending/<int:job>/",
        staff.staff_import_sending,
        name="staff_import_sending",
    ),
    path(
        "organisations/<int:pk>/import/template.<str:kind>",
        staff.staff_import_template,
        name="staff_import_template",
    ),
    path(
        "organisations/<int:pk>/learning/",
        staff_learning.learning_import_page,
        name="learning_import",
    ),
    path(
        "organisations/<int:pk>/learning/template.csv",
        staff_learning.learning_import_template,
        name="learning_import_template",
    ),
    path("teams/<int:pk>/people/", staff.people, name="people"),
    path("teams/<int:pk>/people/<int:member_id>/", staff.change_person, name="change_person"),
    path("teams/<int:pk>/", teams.team_report, name="team_report"),
    path("teams/<int:pk>/training/", teams.team_training, name="team_training"),
    path("teams/<int:pk>/report.csv", teams.team_report_csv, name="team_report_csv"),
    path("teams/<int:pk>/report.xlsx", teams.team_report_xlsx, name="team_report_xlsx"),
    path("teams/<int:pk>/plan/", teams.team_plan, name="team_plan"),
    path("teams/<int:pk>/plan.csv", teams.team_plan_csv, name="team_plan_csv"),
    path("teams/<int:pk>/plan.xlsx", teams.team_plan_xlsx, name="team_plan_xlsx"),
    path("teams/<int:pk>/plan.pdf", teams.team_plan_pdf, name="team_plan_pdf"),
    path("teams/<int:pk>/budget/", teams.team_budget_plan, name="team_budget"),
    path("teams/<int:pk>/budget.csv", teams.team_budget_csv, name="team_budget_csv"),
    path("teams/<int:pk>/budget.xlsx", teams.team_budget_xlsx, name="team_budget_xlsx"),
    path("teams/<int:pk>/budget.pdf", teams.team_budget_pdf, name="team_budget_pdf"),
    path(
        "teams/<int:pk>/members/<int:member_id>/", teams.member_assessment, name="member_assessment"
    ),
    path("teams/<int:pk>/members/<int:member_id>/review/", teams.review, name="review"),
    path("teams/<int:pk>/invite/", teams.invite, name="invite"),
    path("teams/<int:pk>/invites/<int:invite_id>/", teams.invite_link, name="invite_link"),
]
