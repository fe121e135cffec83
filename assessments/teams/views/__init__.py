"""Manager, lead and admin pages of teams, by concern: reports, plans and budgets,
members and reviews, invitations, organisations (the staff list and people are in
teams/staff_views.py). The URL configuration reads every view from here."""

from .invitations import invite, invite_link
from .members import member_assessment, review
from .organisations import organisation, organisations
from .plans import (
    team_budget_csv,
    team_budget_pdf,
    team_budget_plan,
    team_budget_xlsx,
    team_plan,
    team_plan_csv,
    team_plan_pdf,
    team_plan_xlsx,
)
from .report import start, team_report, team_report_csv, team_report_xlsx, team_training, teams

__all__ = [
    "invite",
    "invite_link",
    "member_assessment",
    "organisation",
    "organisations",
    "review",
    "start",
    "team_budget_csv",
    "team_budget_pdf",
    "team_budget_plan",
    "team_budget_xlsx",
    "team_plan",
    "team_plan_csv",
    "team_plan_pdf",
    "team_plan_xlsx",
    "team_report",
    "team_report_csv",
    "team_report_xlsx",
    "team_training",
    "teams",
]
