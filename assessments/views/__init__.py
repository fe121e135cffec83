"""The pages of the assessments app, one module per area. Every view takes its
objects through access.py; query counts are pinned by tests."""

from .account import delete_account, export_csv, export_json, join, profile, share, signup
from .assessment import dashboard, grid, history
from .plans import gaps, plan, plan_pdf, plan_print
from .teams import (
    invite,
    invite_link,
    member_assessment,
    organisation,
    review,
    team_plan,
    team_plan_csv,
    team_plan_xlsx,
    team_report,
    team_report_csv,
    team_report_xlsx,
    teams,
)

__all__ = [
    "dashboard",
    "delete_account",
    "export_csv",
    "export_json",
    "gaps",
    "grid",
    "history",
    "invite",
    "invite_link",
    "join",
    "member_assessment",
    "organisation",
    "plan",
    "plan_pdf",
    "plan_print",
    "profile",
    "review",
    "share",
    "signup",
    "team_plan",
    "team_plan_csv",
    "team_plan_xlsx",
    "team_report",
    "team_report_csv",
    "team_report_xlsx",
    "teams",
]
