from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from assessments.accounts import two_factor_views as two_factor
from assessments.accounts import views as accounts
from assessments.portfolio import views as portfolio
from imhcf.health import health

# The database unreachable is a 503 even when a middleware (the session) raised it.
handler500 = "assessments.security.unavailable.server_error"

admin.site.site_header = "imhcf administration"
admin.site.site_title = "imhcf admin"
admin.site.index_title = "Framework, courses and people"

urlpatterns = [
    # Admins change their password where everyone does: with the second factor, and
    # counted toward the sign-in lockout (admin's own page checks neither).
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password_change"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    # The reverse proxy's health check (imhcf/health.py): the project's, not a feature's.
    path("healthz/", health, name="health"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/logout/", accounts.SignOut.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.manage, name="two_factor"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/qr.svg", two_factor.qr_code, name="two_factor_qr"),
    path("accounts/two-factor/codes/", two_factor.recovery_codes, name="two_factor_codes"),
    # Before Django's own: a new password needs the second factor too, and wrong current
    # passwords count toward the sign-in lockout.
    path("accounts/password_change/", accounts.change_password, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("me/", include("assessments.urls")),
    path("join/<str:token>/", accounts.join, name="join"),
    path("unsubscribe/<str:token>/", portfolio.unsubscribe, name="unsubscribe"),
    path("", include("catalogue.urls")),
]
