"""A person's own API tokens, on her account: the list, making one (who she is is proved
again first; the token is shown once, on the answer to that POST, never stored, never put
in a URL or kept in the session) and revoking one. A token reads her own record through
/api/v1/me/… and nothing else."""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from ..api import personal_keys
from ..models import PersonalAPIKey
from ..security import access


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What it is for",
        max_length=50,
        help_text="A name you will recognise in this list, e.g. My spreadsheet.",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.", code="required")
        return name


def _listing(request, form: TokenForm):
    tokens = list(PersonalAPIKey.objects.for_listing(request.user))
    return render(request, "assessments/api_tokens.html", {"tokens": tokens, "form": form})


@require_GET
def api_tokens(request):
    """Her API tokens, and a form to make one."""
    return _listing(request, TokenForm())


@require_http_methods(["GET", "POST"])
def api_token_new(request):
    """Make a token and show it, once, after she proves who she is again (allauth keeps
    this POST while she does, then answers it). A GET (back from confirming with a work
    account, which keeps no POST) leads to the list, to ask again."""
    if request.method == "GET":
        return redirect("assessments:api_tokens")
    return _make(request)


@reauthentication_required
def _make(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _listing(request, form)
    token, secret = personal_keys.make_token(
        user=request.user, name=form.cleaned_data["name"], request=request
    )
    response = render(
        request, "assessments/api_token_made.html", {"token": token, "secret": secret}
    )
    add_never_cache_headers(response)  # the token must not outlive this page anywhere
    return response


@require_http_methods(["GET", "POST"])
def api_token_revoke(request, prefix):
    """Revoke one of her tokens: a page to confirm, then, on POST, at once and for good."""
    token = access.own_api_token(request, prefix)
    if request.method == "POST":
        if personal_keys.revoke_token(token=token, request=request):
            messages.success(
                request,
                f"The token “{token.name}” ({token.prefix}…) is revoked: it no longer works.",
            )
        else:
            messages.info(request, f"The token “{token.name}” was already revoked.")
        return redirect("assessments:api_tokens")
    return render(request, "assessments/api_token_revoke.html", {"token": token})
