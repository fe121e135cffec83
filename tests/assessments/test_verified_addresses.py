"""An address counts only once its owner has proved it is theirs (issue 22): an
invitation e-mailed to an address is for the account that proved it, signing up from
that invitation proves it, any other address is proved by following the link mailed to
it (through a real SMTP server on loopback), a changed address replaces the old one
only once proved, and reminders and notices go to proved addresses only. An
organisation that asks for work accounts refuses its people's passwords."""

import datetime
import email
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invite, Membership, Registration, User
from assessments.portfolio import reminders
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory
from tests.mail import loopback_smtp

pytestmark = pytest.mark.django_db

NURSE = "nurse@trust.nhs.uk"
CONFIRM_LINK = re.compile(r"/accounts/confirm-email/[^/\s]+/")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ups, sign-ins and mails sent in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ward(catalogue):
    return TeamFactory(name="Ward 7 community team", organisation__name="Anytown NHS Trust")


def invitation(team, address=NURSE, **fields) -> Invite:
    return Invite.objects.create(
        team=team,
        email=address,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        **fields,
    )


def unrecorded(username, address):
    """An account made before allauth: its address has no EmailAddress row at all."""
    user = UserFactory(username=username, email=address)
    EmailAddress.objects.filter(user=user).delete()
    return user


def person(username, address, *, verified):
    """An account whose address is `address`, proved or not (as allauth records it)."""
    user = UserFactory(username=username, email=address)
    EmailAddress.objects.filter(user=user).delete()  # whatever the factory recorded
    EmailAddress.objects.create(user=user, email=address, primary=True, verified=verified)
    return user


def signup_data(username, address, **changes) -> dict:
    return {
        "first_name": "Nia",
        "last_name": "Evans",
        "username": username,
        "email": address,
        "job_role": "midwife",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
        **changes,
    }


def sign_in(client, username) -> None:
    """Sign in with the password on the sign-in page (so allauth records when)."""
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def confirmation_link(message: str) -> str:
    found = CONFIRM_LINK.search(message)
    assert found, f"no confirmation link in: {message}"
    return found.group(0)


def body(envelope) -> str:
    parsed = email.message_from_bytes(envelope.content)
    part = parsed.get_payload(decode=True) if not parsed.is_multipart() else None
    if part is None:
        part = next(p for p in parsed.walk() if p.get_content_type() == "text/plain").get_payload(
            decode=True
        )
    return part.decode()


# (a) Finding 1: an invitation sent to an address, and accounts that merely say it ----


def test_an_addressed_invitation_is_refused_to_an_account_that_has_not_proved_its_address(
    client, ward
):
    """The attack the old code let through: an account typing someone else's address
    (never confirmed) took the invitation sent to that address, and with it the team."""
    invite = invitation(ward, role=Membership.Role.MANAGER)
    link = reverse("join", args=[invite.token])
    claimant = person("claimant", NURSE, verified=False)
    client.force_login(claimant)
    answer = client.post(link, follow=True).content.decode()
    assert f"This invitation was sent to {NURSE}, which is your address, but" in answer
    assert "you have not confirmed it yet" in answer
    assert not Membership.objects.filter(user=claimant).exists()
    assert Invite.objects.get(pk=invite.pk).used_at is None  # still there for the nurse

    # An account with no EmailAddress row at all (made before allauth): the same.
    legacy = unrecorded("legacy", NURSE.upper())
    client.force_login(legacy)
    client.post(link)
    assert not Membership.objects.filter(user=legacy).exists()


def test_an_addressed_invitation_is_refused_to_an_account_with_another_proved_address(client, ward):
    invite = invitation(ward)
    other = person("forwarded", "someone.else@trust.nhs.uk", verified=True)
    client.force_login(other)
    answer = client.post(reverse("join", args=[invite.token]), follow=True).content.decode()
    assert f"This invitation was sent to {NURSE}. Sign in with the account" in answer
    assert not Membership.objects.filter(user=other).exists()
    assert Invite.objects.get(pk=invite.pk).used_at is None


def test_the_account_that_proved_the_address_joins_the_team(client, ward):
    invite = invitation(ward, role=Membership.Role.MANAGER)
    nurse = person("nurse", NURSE.upper(), verified=True)  # case does not matter
    client.force_login(nurse)
    answer = client.post(reverse("join", args=[invite.token]), follow=True)
    assert f"You joined {ward.name}." in answer.content.decode()
    membership = Membership.objects.get(user=nurse)
    assert membership.team == ward and membership.role == Membership.Role.MANAGER
    assert Invite.objects.get(pk=invite.pk).used_by == nurse


# (b) Signing up from the invitation's link proves the address ------------------------


def test_signing_up_from_the_invitation_with_its_address_proves_it_without_a_mail(
    client, ward, settings
):
    settings.IMHCF_SIGNUP_OPEN = False  # an invitation opens sign-up all the same
    invite = invitation(ward, name="Nia Evans", job_role="midwife")
    link = reverse("join", args=[invite.token])
    signup = reverse("account_signup") + f"?next={link}"
    page = client.get(signup)
    assert page.status_code == 200
    assert page.context["form"]["email"].value() == NURSE
    with loopback_smtp(settings) as (received, _):
        done = client.post(signup, signup_data("nia", NURSE, next=link))
        assert done.status_code == 302 and done["Location"] == link
        nia = User.objects.get(username="nia")
        assert EmailAddress.objects.get(user=nia).verified
        assert received == []  # nothing to confirm: the invitation came to this inbox
        joined = client.post(link, follow=True)
    assert f"You joined {ward.name}." in joined.content.decode()
    assert Membership.objects.filter(user=nia, team=ward).exists()


def test_signing_up_from_the_invitation_with_another_address_is_refused(client, ward, settings):
    settings.IMHCF_SIGNUP_OPEN = False
    invite = invitation(ward)
    link = reverse("join", args=[invite.token])
    signup = reverse("account_signup") + f"?next={link}"
    with loopback_smtp(settings) as (received, _):
        answer = client.post(signup, signup_data("mallory", "mallory@example.org", next=link))
    assert answer.status_code == 200
    assert f"This invitation was sent to {NURSE}: use that address here" in answer.content.decode()
    assert answer.context["form"]["email"].value() == "mallory@example.org"  # kept as typed
    assert not User.objects.filter(username="mallory").exists()
    assert received == []


# (c) Open sign-up: the address is proved by the link mailed to it ---------------------


def test_an_open_sign_up_is_unproved_until_the_mailed_link_is_followed(client, ward, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    invite = invitation(ward)  # e-mailed to the nurse; she signs up without its link
    with loopback_smtp(settings) as (received, _):
        done = client.post(reverse("account_signup"), signup_data("nurse", NURSE))
        assert done.status_code == 302
        nurse = User.objects.get(username="nurse")
        assert not EmailAddress.objects.get(user=nurse, email=NURSE).verified
        assert len(received) == 1 and received[0].rcpt_tos == [NURSE]
        link = confirmation_link(body(received[0]))

        # Not yet proved: the invitation to that address is not hers yet.
        client.post(reverse("join", args=[invite.token]))
        assert not Membership.objects.filter(user=nurse).exists()

        shown = client.get(link)  # opening the link (a mail scanner may) changes nothing
        assert shown.status_code == 200
        assert not EmailAddress.objects.get(user=nurse, email=NURSE).verified
        client.post(link)
    assert EmailAddress.objects.get(user=nurse, email=NURSE).verified
    client.post(reverse("join", args=[invite.token]))
    assert Membership.objects.filter(user=nurse, team=ward).exists()


# (d) A new address replaces the old only once proved ---------------------------------


def test_a_changed_address_replaces_the_old_only_when_its_link_is_followed(
    client, catalogue, settings
):
    nurse = person("nurse", NURSE, verified=True)
    sign_in(client, "nurse")
    new = "nurse@nhs.net"
    with loopback_smtp(settings) as (received, _):
        asked = client.post(reverse("account_email"), {"action_add": "", "email": new})
        # Who she is is asked again first (ASVS 7.5.1); then the change goes ahead.
        assert asked["Location"].startswith(reverse("account_reauthenticate"))
        assert received == []
        client.post(asked["Location"], {"password": PASSWORD})
        assert [envelope.rcpt_tos for envelope in received] == [[new]]
        link = confirmation_link(body(received[0]))
        nurse.refresh_from_db()
        assert nurse.email == NURSE  # still the proved one: notices still go there
        assert EmailAddress.objects.get(user=nurse, email=NURSE).verified
        assert not EmailAddress.objects.get(user=nurse, email=new).verified
        client.post(link)
    nurse.refresh_from_db()
    assert nurse.email == new
    assert list(EmailAddress.objects.filter(user=nurse).values_list("email", "verified")) == [
        (new, True)
    ]


# (e) Reminders and notices go to proved addresses only -------------------------------


def test_reminders_go_only_to_proved_addresses(catalogue, settings):
    proved = person("proved", "proved@trust.nhs.uk", verified=True)
    unproved = person("unproved", "unproved@trust.nhs.uk", verified=False)
    legacy = unrecorded("legacy", "legacy@trust.nhs.uk")  # no EmailAddress
    # An address proved once, but the account's address now is another, unproved one.
    moved = person("moved", "old@trust.nhs.uk", verified=True)
    User.objects.filter(pk=moved.pk).update(email="typed@trust.nhs.uk")
    for user in (proved, unproved, legacy, moved):
        Registration.objects.create(
            user=user, regulator="nmc", renewal_date=datetime.date(2027, 3, 31)
        )
    with loopback_smtp(settings) as (received, _), TestCase.captureOnCommitCallbacks(execute=True):
        assert reminders.queue_reminders(datetime.date(2027, 3, 1)) == 1
    assert [envelope.rcpt_tos for envelope in received] == [["proved@trust.nhs.uk"]]


def test_team_notices_go_only_to_proved_addresses(
    catalogue, settings, django_capture_on_commit_callbacks
):
    proved = person("proved", "proved@trust.nhs.uk", verified=True)
    unproved = person("unproved", "unproved@trust.nhs.uk", verified=False)
    legacy = unrecorded("legacy", "legacy@trust.nhs.uk")
    with (
        loopback_smtp(settings) as (received, _),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders.notify([proved, unproved, legacy], "Evidence shared", "Alice shared.")
    assert [envelope.rcpt_tos for envelope in received] == [["proved@trust.nhs.uk"]]
    assert mail.outbox == []  # the real server had them all


# (f) An organisation that asks for work accounts -------------------------------------


def test_an_organisation_asking_for_work_accounts_refuses_its_members_passwords(client, catalogue):
    team = TeamFactory(organisation__name="Northshire Health Board")
    team.organisation.requires_work_account = True
    team.organisation.save(update_fields=["requires_work_account"])
    member = MembershipFactory(team=team, user=person("nurse", NURSE, verified=True)).user
    answer = client.post(reverse("account_login"), {"login": "nurse", "password": PASSWORD})
    assert answer.status_code == 200
    assert (
        "Northshire Health Board asks its people to sign in with their work account"
        in answer.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # By address, too; and someone of another organisation signs in as before.
    answer = client.post(reverse("account_login"), {"login": NURSE, "password": PASSWORD})
    assert "Northshire Health Board asks" in answer.content.decode()
    assert member.pk and "_auth_user_id" not in client.session
    person("other", "other@example.org", verified=True)
    sign_in(client, "other")
