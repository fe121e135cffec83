"""The practitioner's account: profile, sharing, joining a team, export, deletion, sign-up."""

import logging

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.decorators import reauthentication_required
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .. import downloads
from ..models import Membership
from ..portfolio import pages as portfolio_pages
from ..security import access, audit, reauth, roles, two_factor
from ..teams import services as team_services
from . import export, services
from .adapter import invitation_in, next_url
from .forms import ProfileForm


@require_http_methods(["GET", "POST"])
def profile(request):
    """Job role and target level (the role suggests one; the practitioner may choose another)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(
            request, f"Profile saved. You are assessing up to Level {user.target_level}."
        )
        return redirect("assessments:dashboard")
    memberships = list(Membership.objects.filter(user=request.user).select_related("team"))
    reviews = team_services.latest_reviews(request.user, 20)
    context = {
        "form": form,
        "memberships": memberships,
        "reviews": reviews,
        "registration": portfolio_pages.registration_of(request.user),
    }
    return render(request, "assessments/profile.html", context)


@require_http_methods(["POST"])
def share(request, pk):
    """Share one's evidence with a team's managers, or withdraw it."""
    membership = access.own_membership(request, pk)
    sharing = request.POST.get("share") == "1"
    services.set_sharing(membership=membership, share=sharing)
    audit.event(
        "evidence.shared" if sharing else "evidence.withdrawn", request, team=membership.team_id
    )
    if sharing:
        messages.success(
            request, f"The managers of {membership.team.name} can now read your evidence."
        )
    else:
        messages.success(
            request, f"You withdrew your evidence from {membership.team.name}'s managers."
        )
    return redirect("assessments:profile")


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request, token):
    """An invitation: which team and organisation it is for, then, signed in, joining it.
    Open without signing in, so a newcomer sees what they are invited to and can sign in
    or create an account that brings them back here; the token is the secret."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership, created = team_services.accept_invite(token=token, user=request.user)
        except team_services.InviteProblem as problem:
            messages.error(request, str(problem))
            return redirect("assessments:profile")
        if membership.role == Membership.Role.MANAGER:
            roles.forget(request.user)  # the menu shows the team from this page on
        messages.success(
            request,
            f"You joined {membership.team.name}."
            if created
            else f"You were already on {membership.team.name}.",
        )
        return redirect("assessments:profile")
    invite, problem = team_services.invite_for_link(token)
    context = {
        "team": invite.team if invite and not problem else None,
        "invite": invite if invite and not problem else None,
        "problem": problem,
        "next": request.get_full_path(),
        # A usable invitation lets its person make an account even when sign-up is closed.
        "signup_open": settings.IMHCF_SIGNUP_OPEN or (invite is not None and not problem),
        "work_accounts": get_social_adapter(request).list_providers(request),
    }
    return render(request, "assessments/join.html", context)


@require_GET
def export_json(request):
    """Everything the user owns, as JSON (files are in the whole-record ZIP, prepared on
    the queue: portfolio/prepared.py)."""
    return downloads.attachment(
        export.record_json(request.user),
        filename="my-imhcf-data.json",
        content_type="application/json",
    )


@require_GET
def export_csv(request):
    """The user's ratings and their history, as one CSV."""
    return downloads.attachment(
        export.record_csv(request.user), filename="my-imhcf-data.csv", content_type=downloads.CSV
    )


@require_http_methods(["GET", "POST"])
@reauthentication_required
def delete_account(request):
    """Delete the account and everything in it. Who the person is was proved again
    within the last few minutes (allauth asks for it first, as for any change to how
    they sign in)."""
    if request.method == "POST":
        user = request.user
        audit.event("account.deleted", request, user_id=user.pk)
        logout(request)
        services.delete_account(user=user)
        messages.success(
            request,
            "Your account, your assessment and your portfolio (and its files) were deleted.",
        )
        return redirect("catalogue:home")
    return render(request, "assessments/delete_account.html")


@require_GET
def confirm_with_work_account(request):
    """Confirm it's you, for someone whose only way in is a work account: its sign-in
    again, the provider asked to take the password again (prompt=login), then back to
    the change they were making (security.reauth)."""
    target = next_url(request) or reverse("account_email")
    if not reauth.work_account_only(request.user) or reauth.recently_signed_in_with_work_account(
        request
    ):
        return redirect(target)  # allauth asks anyone else itself; or it was just proved
    providers = {}
    for account in SocialAccount.objects.filter(user=request.user).order_by("pk"):
        if account.provider in providers:
            continue
        try:
            provider = account.get_provider(request)
        except SocialApp.DoesNotExist:
            continue  # the provider was removed by an admin
        providers[account.provider] = {
            "name": provider.name,
            "url": provider.get_login_url(
                request, process="login", next=target, auth_params="prompt=login"
            ),
        }
    return render(
        request,
        "account/confirm_with_work_account.html",
        {"providers": list(providers.values()), "minutes": reauth.timeout_minutes()},
    )


class SignUp(allauth_views.SignupView):
    """allauth's sign-up, open where the site allows it (IMHCF_SIGNUP_OPEN) or from a
    usable invitation (AccountAdapter.is_open_for_signup). An invitation sent to an
    address fills the form in, asks for that address, and counts it as confirmed: the
    link came to that inbox."""

    def dispatch(self, request, *args, **kwargs):
        self.invite = invitation_in(next_url(request))
        if request.user.is_authenticated:
            return redirect("assessments:dashboard")
        if self.invite is not None and self.invite.email:
            get_account_adapter(request).stash_verified_email(request, self.invite.email)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invite": self.invite}

    def get_initial(self):
        initial = super().get_initial()
        if self.invite is not None and self.invite.email:
            first, _, last = self.invite.name.partition(" ")
            initial.update(
                email=self.invite.email,
                first_name=first,
                last_name=last,
                job_role=self.invite.job_role,
            )
        return initial

    def get_success_url(self):
        if next_url(self.request):
            return next_url(self.request)
        return reverse("assessments:grid", args=[1, 1])


signup = login_not_required(SignUp.as_view())


class ChangePassword(allauth_views.PasswordChangeView):
    """allauth's password change; too many wrong current passwords sign this session out
    and the account waits, as at sign-in (forms.ChangePasswordForm)."""

    def form_invalid(self, form):
        if getattr(form, "locked_out", False):
            audit.event("reauth.locked_out", self.request, level=logging.WARNING)
            logout(self.request)
            return redirect("account_login")
        return super().form_invalid(form)


# With an authenticator app or a passkey, the current password alone is not enough:
# at an open session, whoever learnt it could otherwise change it.
change_password = reauthentication_required(
    ChangePassword.as_view(), enabled=lambda request: two_factor.has_authenticator(request.user)
)


@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    """Proving who you are again. Someone with an authenticator app or a passkey gives
    that (allauth would also take the password alone: at an open session, knowing the
    password must not be enough to remove her second factor or change her address)."""
    if two_factor.has_authenticator(request.user):
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("mfa_reauthenticate") + (f"?{query}" if query else ""))
    return allauth_views.reauthenticate(request)


class SignOut(allauth_views.LogoutView):
    """allauth's sign-out, which also tells the browser to drop what it kept of the
    signed-in pages (cache and storage): on a shared PC nothing is left behind."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
