from django.contrib import admin
from django.urls import include, path

from assessments import views as assessment_views

admin.site.site_header = "imhcf administration"
admin.site.site_title = "imhcf admin"
admin.site.index_title = "Framework, courses and people"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/signup/", assessment_views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("me/", include("assessments.urls")),
    path("join/<str:token>/", assessment_views.join, name="join"),
    path("", include("catalogue.urls")),
]
