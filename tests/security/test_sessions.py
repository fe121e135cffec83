"""Sessions end by themselves: after a spell without activity, a fixed time after
signing in, when the account is deactivated and when the password changes; and
passwords must follow the rules."""

import pytest
from django.urls import reverse

from assessments.security.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.assessments.helpers import resubmit
from tests.security.helpers import prove_again

pytestmark = pytest.mark.django_db


def shift(client, key, seconds):
    """Pretend something happened `seconds` earlier than it did."""
    session = client.session
    session[key] -= seconds
    session.save()


def assert_signed_out(client, reason):
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    page = client.get(response["Location"]).content.decode()
    assert reason in page


def test_thirty_minutes_without_a_request_signs_you_out(client, alice):
    client.force_login(alice)
    shift(client, LAST_SEEN, 31 * 60)
    assert_signed_out(client, "signed out after 30 minutes without activity")


def test_activity_keeps_the_session_alive(client, alice):
    client.force_login(alice)
    shift(client, LAST_SEEN, 29 * 60)
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    shift(client, LAST_SEEN, 29 * 60)  # counts from the last request, not the sign-in
    assert client.get(reverse("assessments:dashboard")).status_code == 200


def test_ten_hours_after_signing_in_you_are_signed_out_however_busy(client, alice):
    client.force_login(alice)
    shift(client, SIGNED_IN_AT, 10 * 3600 + 1)
    assert_signed_out(client, "signed out 10 hours after signing in")


def test_the_limits_come_from_the_environment_settings(client, alice, settings):
    settings.IMHCF_SESSION_IDLE_MINUTES = 5
    client.force_login(alice)
    shift(client, LAST_SEEN, 6 * 60)
    assert_signed_out(client, "after 5 minutes without activity")


def test_deactivating_a_user_ends_their_sessions(client, alice):
    client.force_login(alice)
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    alice.is_active = False
    alice.save()
    response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_changing_the_password_ends_the_other_sessions(client, alice):
    from django.test import Client

    other = Client()
    other.force_login(alice)
    client.force_login(alice)
    prove_again(client)  # allauth asks who she is again first
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "x-pass-12345",
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    assert other.get(reverse("assessments:dashboard")).status_code == 302


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1!", "at least 10 characters"),
        ("password123", "too common"),
        ("4829301756", "entirely numeric"),
        ("alice@example.org", "too similar to the email address"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, alice, password, message):
    client.force_login(alice)
    prove_again(client)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "x-pass-12345", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password1"])
    alice.refresh_from_db()
    assert alice.check_password("x-pass-12345")


def test_signing_out_ends_the_session_and_clears_what_the_browser_kept(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account_logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    after = client.get(reverse("assessments:dashboard"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("account_login"))


def test_an_admin_can_sign_a_person_out_everywhere(client, alice, admin_user):
    """ASVS 7.4.5: for a phone lost or a ward PC left signed in; nothing else changes."""
    from django.test import Client

    left_open = Client()
    left_open.force_login(alice)
    assert left_open.get(reverse("assessments:dashboard")).status_code == 200
    client.force_login(admin_user)
    answer = client.post(
        reverse("admin:assessments_user_changelist"),
        {"action": "end_sessions", "_selected_action": [alice.pk]},
        follow=True,
    )
    assert "Signed out everywhere: 1 person(s)." in answer.content.decode()
    assert left_open.get(reverse("assessments:dashboard")).status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("x-pass-12345")
    assert client.get(reverse("admin:index")).status_code == 200  # the admin is still in


GRID = "/me/level/1/domain/3/"


def open_grid(client):
    """The grid as first opened: what its form will post back about what was seen."""
    return client.get(GRID).context["rows"][0]


def typed_grid_post(client, form, note):
    form.status, form.evidence = "achieved", note
    return client.post(GRID, resubmit([form]))


def test_what_was_typed_when_the_session_ended_comes_back_after_signing_in(client, alice, settings):
    settings.IMHCF_SESSION_IDLE_MINUTES = 1
    client.force_login(alice)
    note = "Long reflection written over lunch about a family's first home visit."
    form = open_grid(client)
    shift(client, LAST_SEEN, 61)
    response = typed_grid_post(client, form, note)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    login_page = client.get(response["Location"]).content.decode()
    assert "signed out after 1 minute without activity" in login_page  # not "1 minutes"
    assert "What you had typed is kept" in login_page
    assert not alice.ratings.exists()  # nothing saved behind her back
    client.force_login(alice)
    page = client.get(GRID)
    body = page.content.decode()
    assert "What you typed is back below and is not saved yet" in body
    assert note.replace("'", "&#x27;") in body
    assert not alice.ratings.exists()
    assert "over lunch" not in client.get(GRID).content.decode()  # offered once, not forever


def test_kept_typing_is_never_offered_to_someone_else(client, alice, bob, settings):
    settings.IMHCF_SESSION_IDLE_MINUTES = 1
    client.force_login(alice)
    form = open_grid(client)
    shift(client, LAST_SEEN, 61)
    typed_grid_post(client, form, "Alice's private note")
    client.force_login(bob)  # the same browser, another person
    assert "private note" not in client.get(GRID).content.decode()
    client.force_login(alice)
    assert "private note" not in client.get(GRID).content.decode()  # dropped
