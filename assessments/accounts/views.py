"""The practitioner's account: profile, sharing, joining a team, export, deletion, sign-up."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from .. import downloads
from ..models import Membership
from ..portfolio import pages as portfolio_pages
from ..security import access, audit, reauth, roles
from ..security.reauth import ConfirmIdentityForm
from ..teams import services as team_services
from . import export, services
from .forms import EmailChangeForm, PasswordChangeForm, ProfileForm, SignUpForm


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
    }
    return render(request, "assessments/join.html", context)


@require_GET
def export_json(request):
    """Everything the user owns, as JSON (files are in export.zip)."""
    return downloads.attachment(
        export.record_json(request.user),
        filename="my-imhcf-data.json",
        content_type="application/json",
    )


@require_GET
def export_zip(request):
    """Everything the user owns in one download: record.json, CSVs of ratings and
    history, training records and reflections, and every file they uploaded."""
    return downloads.attachment(
        export.record_zip(request.user), filename="my-imhcf-record.zip", content_type=downloads.ZIP
    )


@require_GET
def export_csv(request):
    """The user's ratings and their history, as one CSV."""
    return downloads.attachment(
        export.record_csv(request.user), filename="my-imhcf-data.csv", content_type=downloads.CSV
    )


@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete the account and everything in it, after the password (and second factor)
    are given again."""
    form = ConfirmIdentityForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            audit.event("account.deleted", request, user_id=user.pk)
            logout(request)
            services.delete_account(user=user)
            messages.success(
                request,
                "Your account, your assessment and your portfolio (and its files) were deleted.",
            )
            return redirect("catalogue:home")
        if form.locked_out:
            return reauth.sign_out_locked(request)
    return render(request, "assessments/delete_account.html", {"form": form})


@require_http_methods(["GET", "POST"])
def change_email(request):
    """A new e-mail address (where password-reset links go), after the password (and
    second factor) are given again; the person's other sessions then end."""
    form = EmailChangeForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            services.change_email(user=request.user, email=form.cleaned_data["email"])
            reauth.end_other_sessions(request)
            audit.event("account.email_changed", request)
            messages.success(request, "E-mail address changed. Any other sign-ins were ended.")
            return redirect("assessments:profile")
        if form.locked_out:
            return reauth.sign_out_locked(request)
    return render(request, "registration/change_email.html", {"form": form})


@require_http_methods(["GET", "POST"])
def change_password(request):
    """A new password, after the current one (and the second factor) are given again;
    the person's other sessions end (Django's rule for a new password)."""
    form = PasswordChangeForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, form.user)
            audit.event("account.password_changed", request)
            return redirect("password_change_done")
        if form.locked_out:
            return reauth.sign_out_locked(request)
    return render(request, "registration/password_change_form.html", {"form": form})


def _invitation_in(after: str):
    """The usable invitation a sign-up came from (its join link is `next`), or None."""
    try:
        match = resolve(urlsplit(after).path) if after else None
    except Resolver404:
        return None
    if match is None or match.url_name != "join":
        return None
    invite, problem = team_services.invite_for_link(match.kwargs["token"])
    return None if problem else invite


def _invited_initial(invite) -> dict:
    """What an addressed invitation (a staff import) already says about the person."""
    if invite is None or not invite.email:
        return {}
    first, _, last = invite.name.partition(" ")
    return {
        "email": invite.email,
        "first_name": first,
        "last_name": last,
        "job_role": invite.job_role,
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    """Self sign-up, when the site allows it (IMHCF_SIGNUP_OPEN), or from a usable
    invitation whatever that setting (a lead's staff import invites people by e-mail).
    An invitation sent to an address is for an account with that address."""
    after = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        after = ""
    invite = _invitation_in(after)
    if not settings.IMHCF_SIGNUP_OPEN and invite is None:
        raise Http404("Sign-up is closed")
    if request.user.is_authenticated:
        return redirect("assessments:dashboard")
    form = SignUpForm(request.POST or None, initial=_invited_initial(invite))
    if request.method == "POST" and form.is_valid() and invite is not None and invite.email:
        if form.cleaned_data["email"].casefold() != invite.email.casefold():
            form.add_error(
                "email",
                f"This invitation was sent to {invite.email}: use that address here "
                "(you can change it later, on your profile).",
            )
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="assessments.security.roles.RoleAwareBackend")
        if after:  # an invitation, or the page that asked them to sign in
            messages.success(request, f"Welcome, {user.display_name}. Your account is ready.")
            return redirect(after)
        messages.success(
            request,
            f"Welcome, {user.display_name}. Your target is Level {user.target_level}: start "
            "with the first domain below.",
        )
        return redirect(reverse("assessments:grid", args=[1, 1]))
    return render(request, "registration/signup.html", {"form": form, "next": after})


class SignOut(LogoutView):
    """Django's sign-out, which also tells the browser to drop what it kept of the
    signed-in pages (cache and storage): on a shared PC nothing is left behind."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
