"""Minimal valid objects: the catalogue, and people with their teams, organisations,
memberships and training leads. Tests state every fact they rely on."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.models import (
    Invite,
    Membership,
    Organisation,
    OrganisationAPIKey,
    Team,
    TrainingLead,
    User,
)
from assessments.ops.demo import FULL_SIZES, build_full_framework  # noqa: F401 (re-exported)
from catalogue.models import (
    Competency,
    Course,
    Coverage,
    Domain,
    Fee,
    Framework,
    Level,
    Module,
    Provider,
    Wording,
)


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["slug"]

    slug = "imhcf"
    name = "Test framework"
    publisher = "Test publisher"
    declared_competencies = 63


class LevelFactory(DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ["number"]

    number = 1
    name = factory.LazyAttribute(lambda o: f"Level {o.number} name")
    summary = "What this level asks."
    typical_roles = "Anyone."


class DomainFactory(DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ["number"]

    number = 1
    name = factory.LazyAttribute(lambda o: f"Domain {o.number} name")
    description = "What this domain is about."
    declared_size = None


class CompetencyFactory(DjangoModelFactory):
    class Meta:
        model = Competency

    domain = factory.SubFactory(DomainFactory)
    code = factory.Sequence(lambda n: f"1.{n % 100:02d}")


class WordingFactory(DjangoModelFactory):
    class Meta:
        model = Wording

    competency = factory.SubFactory(CompetencyFactory)
    level = factory.SubFactory(LevelFactory)
    knowledge = "Knowledge of something."
    ability = "Ability to use the above knowledge to do something."


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A course."


class FeeFactory(DjangoModelFactory):
    class Meta:
        model = Fee

    course = factory.SubFactory(CourseFactory)
    label = factory.Sequence(lambda n: f"Fee {n}")
    standard = Decimal("100")


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")


class CoverageFactory(DjangoModelFactory):
    class Meta:
        model = Coverage

    course = factory.SubFactory(CourseFactory)
    level = factory.SubFactory(LevelFactory)
    domain = factory.SubFactory(DomainFactory)
    grade = Coverage.Grade.CORE
    reason = "The module that teaches it."


# Every person a factory makes signs in with this password (hashed with the tests'
# fast hasher, conftest's PASSWORD_HASHERS, when the person is made).
PASSWORD = "x-pass-12345"


class UserFactory(DjangoModelFactory):
    """A person who can sign in with PASSWORD: no job role, no name, an e-mail address
    made from the username, which they have confirmed (followed the link sent to it);
    `email_confirmed=False` for one not yet confirmed."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_confirmed(self, create, extracted, **kwargs):
        if create and self.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(
                user=self,
                email=self.email.lower(),
                primary=True,
                verified=True if extracted is None else bool(extracted),
            )


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(DjangoModelFactory):
    """A member (not a manager) of a team; pass `role=Membership.Role.MANAGER` for a
    manager."""

    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class InviteFactory(DjangoModelFactory):
    """An invitation to a team, good for 14 days; give `email` (and `name`, `job_role`)
    for one sent to a person, as a lead's staff import makes them."""

    class Meta:
        model = Invite

    team = factory.SubFactory(TeamFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class TrainingLeadFactory(DjangoModelFactory):
    class Meta:
        model = TrainingLead

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


# The authenticator app every factory person given one uses (base32, as allauth keeps it
# and as an app is given it): tests.security.helpers.code() answers from it.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_authenticator(user):
    """Give `user` an authenticator app (an allauth TOTP authenticator with TOTP_SECRET)
    and mark this user object so that `client.force_login(user)` counts as a sign-in
    with both factors.

    The mark is the cheap way, for tests that need a verified session but do not test
    signing in: conftest's `_both_factors_on_force_login` writes into the new session
    what allauth writes after a correct code (an "mfa" authentication record). Only this
    Python object carries the mark: the same person fetched again from the database
    signs in with the password only. Tests of signing in itself go through the pages
    (tests.security.helpers.sign_in_with_both_factors)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    user.totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)}
    )
    user.signs_in_with_both_factors = True
    return user


def api_key(organisation, *, scope="read", name="Reports", **fields):
    """An API key of `organisation` (read-only unless `scope="write"`), and the key
    itself, as its page shows it once: (OrganisationAPIKey, "prefix.secret")."""
    return OrganisationAPIKey.objects.create_key(
        organisation=organisation, scope=scope, name=name, **fields
    )
