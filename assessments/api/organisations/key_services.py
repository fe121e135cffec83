"""Making and revoking an organisation's API keys (a training lead's page,
teams/api_keys_views.py). Each is one transaction and is written to the security log
with the key's prefix, never the key."""

from typing import cast

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ...models import Organisation, OrganisationAPIKey, User
from ...security import audit


@transaction.atomic
def make_key(
    *,
    organisation: Organisation,
    name: str,
    scope: str,
    made_by: User,
    request: HttpRequest | None = None,
) -> tuple[OrganisationAPIKey, str]:
    """A new key of `organisation`, and the key itself: shown once, never stored (only
    its hash is). `request` gives the log the address it was made from."""
    made, secret = OrganisationAPIKey.objects.create_key(
        organisation=organisation, name=name, scope=scope, made_by=made_by
    )
    key = cast(OrganisationAPIKey, made)  # the library's manager is typed for its base
    audit.event(
        "api_key.made",
        request,
        user_id=made_by.pk,
        key=key.prefix,
        organisation=organisation.pk,
        scope=scope,
    )
    return key, secret


@transaction.atomic
def revoke_key(*, key: OrganisationAPIKey, by: User, request: HttpRequest | None = None) -> bool:
    """Revoke `key` for good: the next request with it is refused (the key is read on
    every request, nothing caches it). False if it was revoked already (by someone else
    a moment before): one UPDATE … WHERE, so it is recorded as revoked once."""
    now = timezone.now()
    changed = OrganisationAPIKey.objects.filter(pk=key.pk, revoked=False).update(
        revoked=True, revoked_at=now, revoked_by=by
    )
    if changed:
        key.revoked, key.revoked_at, key.revoked_by = True, now, by
        audit.event(
            "api_key.revoked",
            request,
            user_id=by.pk,
            key=key.prefix,
            organisation=key.organisation_id,
        )
    return bool(changed)
