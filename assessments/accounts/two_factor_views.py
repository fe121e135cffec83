"""Two-factor sign-in pages: give a code after the password, set up an authenticator
app, see recovery codes once, and manage it all from one page."""

import io
import logging

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods

from ..security import audit, reauth, two_factor
from ..security.reauth import ConfirmIdentityForm
from .forms import CodeForm, SetUpForm

NEW_CODES = "imhcf_new_recovery_codes"


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _next(request) -> str:
    """Where to go once the code is accepted: the page asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("assessments:dashboard")


@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    if request.session.get(two_factor.PENDING) != two_factor.VERIFY:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_factor.check_code(request.user, form.cleaned_data["token"])
        if not check.ok:
            audit.event("signin.second_factor_failed", request, level=logging.WARNING)
            form.add_error("token", check.problem)
        else:
            audit.event("signin.second_factor_ok", request, factor=check.factor)
            two_factor.mark_verified(request, check.device)
            if check.factor == "recovery_code":
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {check.codes_left} left. If your "
                    "phone is lost, set up your authenticator again from Two-factor sign-in.",
                )
            return redirect(_next(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _may_set_up(request) -> bool:
    """Not while a code is still owed: knowing the password alone must not let anyone
    swap in their own authenticator. A session that was told to set one up, when the
    person has since set one up elsewhere, now owes a code from it instead."""
    state = request.session.get(two_factor.PENDING)
    if state == two_factor.SETUP and two_factor.has_authenticator(request.user):
        state = two_factor.owe(request)
    return state != two_factor.VERIFY


@require_http_methods(["GET", "POST"])
def setup(request):
    """Set up an authenticator app (or move to a new one): scan the QR code or type the
    key, give a code from it, and confirm with the password (and a code from the old
    app, if there is one). Other sessions end; new recovery codes replace the old."""
    if not _may_set_up(request):
        return redirect(_with_next("two_factor_verify", reverse("two_factor_setup")))
    device = two_factor.pending_device(request.user)
    form = SetUpForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            codes, problem = two_factor.confirm_device(request, device, form.cleaned_data["token"])
            if codes:
                reauth.end_other_sessions(request)
                audit.event("two_factor.set_up", request)
                request.session[NEW_CODES] = codes
                messages.success(request, "Two-factor sign-in is on.")
                return redirect(_with_next("two_factor_codes", _next(request)))
            form.add_error("token", problem)
        elif form.locked_out:
            return reauth.sign_out_locked(request)
    context = {
        "form": form,
        "secret": two_factor.secret_for_typing(device),
        "required": two_factor.required(request.user),
        "replacing": "code" in form.fields,
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@require_GET
def qr_code(request):
    """The QR code of the authenticator being set up, as SVG."""
    if not _may_set_up(request):
        raise Http404("Nothing is being set up")
    device = two_factor.pending_device(request.user)
    svg = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        svg, kind="svg", scale=5, border=3, dark="#000", light="#fff", xmldecl=False
    )
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@require_GET
def recovery_codes(request):
    """New recovery codes, shown this once."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("two_factor")
    return render(
        request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)}
    )


@require_http_methods(["GET", "POST"])
def manage(request):
    """Whether two-factor sign-in is on; new recovery codes or turning it off, each
    confirmed with the password and a current code. Other sessions then end."""
    user = request.user
    required = two_factor.required(user)
    form = ConfirmIdentityForm(request.POST or None, request=request)
    on = "code" in form.fields  # the person has an authenticator
    if request.method == "POST" and on:
        action = request.POST.get("action")
        if not form.is_valid():
            if form.locked_out:
                return reauth.sign_out_locked(request)
        elif action == "codes":
            request.session[NEW_CODES] = two_factor.new_recovery_codes(user)
            reauth.end_other_sessions(request)
            audit.event("two_factor.new_recovery_codes", request)
            return redirect("two_factor_codes")
        elif action == "off" and not required:
            two_factor.turn_off(user)
            reauth.end_other_sessions(request)
            audit.event("two_factor.turned_off", request)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("two_factor")
        else:
            form.add_error(None, "Two-factor sign-in cannot be turned off for your account.")
    context = {
        "form": form,
        "on": on,
        "required": required,
        "codes_left": user.recovery_codes.count(),
    }
    return render(request, "registration/two_factor.html", context)
