from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from assessments.accounts import views as accounts
from assessments.accounts import work_accounts
from assessments.api import limits as api_limits
from assessments.portfolio import views as portfolio
from imhcf.health import health

# The database unreachable is a 503 even when a middleware (the session) raised it.
handler500 = "assessments.security.unavailable.server_error"
# ... and when the session could not be saved, which Django calls a bad request.
handler400 = "assessments.security.unavailable.bad_request"

admin.site.site_header = "imhcf administration"
admin.site.site_title = "imhcf admin"
admin.site.index_title = "Framework, courses and people"
# Admins sign in where everyone does (with their second factor, counted toward the
# sign-in lockout): admin's own sign-in page checks neither.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    # Admins change their password where everyone does: with the second factor, and
    # counted toward the sign-in lockout (admin's own page checks neither).
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    # The reverse proxy's health check (imhcf/health.py): the project's, not a feature's.
    path("healthz/", health, name="health"),
    # Sign-in, sign-up, addresses, passwords, second factors and work accounts are
    # django-allauth's (assessments/accounts/adapter.py says our rules). Some of its
    # views are ours first: sign-up (invitations), sign-out (clears the browser's copy),
    # password change (wrong passwords count toward the lockout), proving who you are
    # again (with the second factor, where there is one) and the work-account views
    # (signatures always checked; Entra ID's tenants).
    path("accounts/signup/", accounts.signup, name="account_signup"),
    path("accounts/logout/", accounts.SignOut.as_view(), name="account_logout"),
    path("accounts/password/change/", accounts.change_password, name="account_change_password"),
    path("accounts/reauthenticate/", accounts.reauthenticate, name="account_reauthenticate"),
    path(
        "accounts/oidc/<str:provider_id>/login/",
        work_accounts.login,
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        work_accounts.callback,
        name="openid_connect_callback",
    ),
    # "Confirm it's you" with a work account, for someone with no password and no
    # second factor (allauth has nothing else to ask them: security.reauth).
    path(
        "accounts/confirm-with-work-account/",
        accounts.confirm_with_work_account,
        name="confirm_with_work_account",
    ),
    path("accounts/", include("allauth.urls")),
    path("me/", include("assessments.urls")),
    path("api/v1/", include("imhcf.api_urls")),  # the JSON API (catalogue/api/, assessments/api/)
    re_path(r"^api/", api_limits.not_found),  # any other path there: a 404 in JSON
    path("join/<str:token>/", accounts.join, name="join"),
    path("unsubscribe/<str:token>/", portfolio.unsubscribe, name="unsubscribe"),
    path("", include("catalogue.urls")),
]
