from django.urls import path

from . import views

app_name = "assessments"

# Every page here shows only the signed-in user's own records: no object ids.
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
]
