"""Who a person is for this request: the one definition of each role.

- **Site admin**: a superuser, or a staff account given the permission "Administer
  every organisation" (`assessments.administer_organisations`) in Django admin
  (`User.is_site_admin`). Staff status alone opens the admin's door and nothing else:
  no organisation, no team, no report.
- **Manager of a team**: `Membership.objects.managers()`.
- **Training lead of an organisation**: `TrainingLead`.

`who(request)` works this out once per request and keeps it on the request's user,
never in the session, so a role given or taken away while someone is signed in counts
from their next page. It costs no query when the user row was loaded by
`RoleAwareBackend` (every request after sign-in: the roles come as two EXISTS in the
same row), one otherwise (at sign-in, or a user loaded elsewhere), and Django's
permission check (two queries, once) only for a staff account that is not a
superuser."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from ..models import Membership, TrainingLead, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ADMIN_PERMISSION = "assessments.administer_organisations"


@dataclass(frozen=True)
class Who:
    admin: bool  # a site admin: every organisation, as a lead sees one
    manages: bool  # manages one team or more
    leads: bool  # leads one organisation or more

    @property
    def needs_two_factors(self) -> bool:
        """Admins, training leads and managers must sign in with two factors."""
        return self.admin or self.manages or self.leads

    @property
    def sees_organisations(self) -> bool:
        return self.admin or self.leads


NOBODY = Who(admin=False, manages=False, leads=False)


class Roles(TypedDict):
    """The EXISTS `_annotated` adds to each user row."""

    manages_a_team: bool
    leads_an_organisation: bool
    email_confirmed: bool


def _annotated(users: QuerySet[User]) -> "QuerySet[WithAnnotations[User, Roles]]":
    """Users with their roles as two EXISTS in the same row."""
    return users.annotate(
        manages_a_team=Exists(Membership.objects.managers().filter(user=OuterRef("pk"))),
        leads_an_organisation=Exists(TrainingLead.objects.filter(user=OuterRef("pk"))),
        # Not a role, but read on the same row for free: has the person confirmed the
        # address we write to (the dashboard asks them to, until they have)?
        email_confirmed=Exists(
            EmailAddress.objects.filter(
                user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
            )
        ),
    )


def who_is(user: User | AnonymousUser | None, *, fresh: bool = False) -> Who:
    """The roles of `user`, worked out once and kept on this user object (a request's
    user lives as long as the request); `fresh` asks the database again (at sign-in,
    where a role may have been given since the object was loaded)."""
    if user is None or not user.is_authenticated:
        return NOBODY
    if fresh:
        forget(user)
    # getattr, not __dict__: request.user is a lazy proxy of the user object.
    known: Who | None = getattr(user, "_who", None)
    if known is not None:
        return known
    manages = getattr(user, "manages_a_team", None)
    leads = getattr(user, "leads_an_organisation", None)
    if manages is None or leads is None:
        manages, leads = (
            _annotated(User.objects.filter(pk=user.pk))
            .values_list("manages_a_team", "leads_an_organisation")
            .get()
        )
    found = Who(admin=user.is_site_admin, manages=bool(manages), leads=bool(leads))
    setattr(user, "_who", found)  # noqa: B010 (kept on the object, not a field of User)
    return found


def who(request: HttpRequest) -> Who:
    """Who the signed-in person is for this request (NOBODY when signed out)."""
    return who_is(getattr(request, "user", None))


def forget(user: User | AnonymousUser) -> None:
    """The roles changed during this request (she joined a team as its manager): the
    rest of the request, and the menu it draws, sees the new ones."""
    for name in ("_who", "manages_a_team", "leads_an_organisation"):
        if hasattr(user, name):
            delattr(user, name)


class RoleAwareBackend(AuthenticationBackend):  # type: ignore[misc]
    """allauth's backend (Django's own, plus signing in by e-mail address), loading the
    signed-in user with their roles in the same query, so that `who(request)` costs
    nothing on an ordinary page."""

    def get_user(self, user_id: int) -> User | None:
        user = _annotated(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
