"""An organisation's API keys, for its training leads (and admins): the list, making a
key (who she is is proved again first; the key is shown once, on the answer to that
POST, never stored, never put in a URL or kept in the session) and revoking one. Every
page comes through access.organisation, so another organisation's lead gets 404."""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from ..api.organisations import key_services
from ..models import OrganisationAPIKey
from ..security import access

SCOPE_HELP = (
    "Read: see teams, each member's name, e-mail address and progress (never their "
    "evidence), and team plans. Read and write: also add staff (the staff import's checks) "
    "and send their completed learning, which each person confirms or discards."
)


class APIKeyForm(forms.Form):
    """A new key: what it is for, and whether it may write."""

    name = forms.CharField(
        label="What it is for",
        max_length=50,
        help_text="A name you will recognise in this list, e.g. Monthly report to the board.",
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=[("read", "Read"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
        help_text=SCOPE_HELP,
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the key a name.", code="required")
        return name


def _listing(request, organisation, form: APIKeyForm):
    keys = list(OrganisationAPIKey.objects.for_listing(organisation))
    context = {"organisation": organisation, "keys": keys, "form": form}
    return render(request, "assessments/api_keys.html", context)


@require_GET
def api_keys(request, pk):
    """The organisation's API keys, and a form to make one."""
    organisation = access.organisation(request, pk)
    return _listing(request, organisation, APIKeyForm())


@require_http_methods(["GET", "POST"])
def api_key_new(request, pk):
    """Make a key and show it, once. Who she is is proved again first (allauth keeps
    this POST while she does, then answers it), after the organisation is found, so
    anyone else gets 404 and is never asked. A GET (back from confirming with a work
    account, which keeps no POST) leads to the list, to ask again."""
    organisation = access.organisation(request, pk)
    if request.method == "GET":
        return redirect("assessments:api_keys", pk=organisation.pk)
    return _make(request, organisation)


@reauthentication_required
def _make(request, organisation):
    form = APIKeyForm(request.POST)
    if not form.is_valid():
        return _listing(request, organisation, form)
    key, secret = key_services.make_key(
        organisation=organisation,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        made_by=request.user,
        request=request,
    )
    response = render(
        request,
        "assessments/api_key_made.html",
        {"organisation": organisation, "key": key, "secret": secret},
    )
    add_never_cache_headers(response)  # the key must not outlive this page anywhere
    return response


@require_http_methods(["GET", "POST"])
def api_key_revoke(request, pk, prefix):
    """Revoke a key: a page to confirm, then, on POST, at once and for good."""
    organisation = access.organisation(request, pk)
    key = access.organisation_api_key(request, organisation, prefix)
    if request.method == "POST":
        if key_services.revoke_key(key=key, by=request.user, request=request):
            messages.success(
                request, f"The key “{key.name}” ({key.prefix}…) is revoked: it no longer works."
            )
        else:
            messages.info(request, f"The key “{key.name}” was already revoked.")
        return redirect("assessments:api_keys", pk=organisation.pk)
    return render(
        request, "assessments/api_keys_revoke.html", {"organisation": organisation, "key": key}
    )
