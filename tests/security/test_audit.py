"""Security events are logged (ASVS 16.3): sign-ins that work and fail, second
factors, refused looks at other people's objects, sessions that time out; one line
each, with no password or code in it and no way for input to forge a line."""

import ipaddress
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.models import Membership
from assessments.security.middleware import LAST_SEEN
from tests.factories import MembershipFactory, TeamFactory, UserFactory, with_authenticator
from tests.security.helpers import code, give_code, prove_again, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log(caplog):
    """The lines written to the imhcf.security logger during the test."""
    logger = logging.getLogger("imhcf.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="imhcf.security")
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    logger.removeHandler(caplog.handler)


def test_sign_ins_that_work_and_fail_are_logged_without_the_password(client, alice, security_log):
    client.post(reverse("account_login"), {"login": "alice", "password": "wrong-password-1"})
    client.post(reverse("account_login"), {"login": "alice", "password": "x-pass-12345"})
    client.post(reverse("account_logout"))
    lines = security_log()
    assert any(
        line.startswith("event=signin.failed") and "username='alice'" in line for line in lines
    )
    assert any(
        line.startswith("event=signin.ok")
        and "by=['password']" in line
        and "ip='127.0.0.1'" in line
        for line in lines
    )
    assert any(line.startswith("event=signout") for line in lines)
    assert not any("x-pass-12345" in line or "wrong-password-1" in line for line in lines)


def test_second_factor_decisions_are_logged_without_the_code(client, alice, security_log):
    with_authenticator(alice)
    sign_in(client, alice)
    give_code(client, "000000")
    good = code()
    give_code(client, good)
    lines = security_log()
    assert any(line.startswith("event=signin.second_factor_failed") for line in lines)
    assert any(
        line.startswith("event=signin.second_factor_ok") and "factor='totp'" in line
        for line in lines
    )
    assert any(line.startswith("event=signin.ok") and "'mfa'" in line for line in lines)
    assert not any(good in line for line in lines)


def test_a_refused_look_at_another_teams_page_is_logged(client, security_log):
    team = TeamFactory(name="North", organisation__name="Trust A")
    omar = with_authenticator(UserFactory(username="omar"))
    client.force_login(omar)
    assert client.get(reverse("assessments:team_report", args=[team.pk])).status_code == 404
    assert any(
        line.startswith("event=access.refused")
        and f"object='team:{team.pk}'" in line
        and f"user_id={omar.pk}" in line
        for line in security_log()
    )
    MembershipFactory(team=team, user=omar, role=Membership.Role.MANAGER)
    assert client.get(reverse("assessments:team_report", args=[team.pk])).status_code == 200


def test_a_session_ended_by_inactivity_is_logged(client, alice, security_log):
    client.force_login(alice)
    session = client.session
    session[LAST_SEEN] -= 3600
    session.save()
    client.get(reverse("assessments:dashboard"))
    assert any(
        line.startswith("event=session.timeout") and "kind='idle'" in line
        for line in security_log()
    )


def test_input_cannot_forge_a_log_line(client, security_log):
    client.post(
        reverse("account_login"),
        {"login": "mallory\nevent=signin.ok user_id=1", "password": "x"},
    )
    lines = security_log()
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("event=signin.failed") and "\\n" in lines[0]


def wrong_passwords(client, username, times, **headers):
    for _ in range(times):
        client.post(reverse("account_login"), {"login": username, "password": "wrong-1"}, **headers)


def test_behind_a_trusted_proxy_the_lockout_and_the_log_use_the_clients_own_address(
    client, alice, settings, security_log
):
    """The nginx of docs/deploy.md connects from 127.0.0.1 and appends the client to
    X-Forwarded-For. One stranger's wrong guesses must not lock Alice out for everyone."""
    settings.IMHCF_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    stranger = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    wrong_passwords(client, "alice", settings.AXES_FAILURE_LIMIT, **stranger)
    locked = client.post(
        reverse("account_login"), {"login": "alice", "password": "x-pass-12345"}, **stranger
    )
    assert "_auth_user_id" not in client.session and "Too many" in locked.content.decode()
    alice_at_work = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    # allauth's own limit (five failures per account, from anywhere, for five minutes:
    # ACCOUNT_RATE_LIMITS "login_failed") is let pass here; django-axes', which keys on
    # the username and the address together, is what this test is about.
    cache.clear()
    answer = client.post(
        reverse("account_login"), {"login": "alice", "password": "x-pass-12345"}, **alice_at_work
    )
    assert answer.status_code == 302
    lines = security_log()
    assert any("signin.failed" in line and "ip='203.0.113.9'" in line for line in lines)
    assert any("signin.ok" in line and "ip='198.51.100.7'" in line for line in lines)


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out_elsewhere(client, alice, settings):
    settings.IMHCF_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    wrong_passwords(client, "alice", 5, HTTP_X_FORWARDED_FOR="203.0.113.9")
    answer = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "x-pass-12345"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert answer.status_code == 302


def test_a_forwarded_address_is_ignored_unless_it_comes_from_a_trusted_proxy(
    client, alice, settings, security_log
):
    """Without a trusted proxy anyone could send X-Forwarded-For: a new made-up address
    per guess must not escape the lockout, nor put a false address in the log."""
    settings.IMHCF_TRUSTED_PROXIES = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        wrong_passwords(client, "alice", 1, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    answer = client.post(
        reverse("account_login"),
        {"login": "alice", "password": "x-pass-12345"},
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert "_auth_user_id" not in client.session and "Too many" in answer.content.decode()
    assert all("203.0.113" not in line for line in security_log())


def test_a_forged_hop_left_of_the_proxys_own_is_never_taken_for_the_client(rf, settings):
    from assessments.security.audit import client_address

    settings.IMHCF_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.0/8")]
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="127.0.0.1")
    assert client_address(request) == "198.51.100.7"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="192.0.2.50")
    assert client_address(request) == "192.0.2.50"


def test_sharing_withdrawing_reviews_sign_offs_and_deletion_are_logged(client, alice, security_log):
    """Personal-data events (ASVS 16.3.3): who, what, where; never the comment."""
    team = TeamFactory(name="North", organisation__name="Trust A")
    membership = MembershipFactory(team=team, user=alice)
    mina = with_authenticator(UserFactory(username="mina"))
    MembershipFactory(team=team, user=mina, role=Membership.Role.MANAGER)
    client.force_login(alice)
    share = reverse("assessments:share", args=[membership.pk])
    client.post(share, {"share": "1"})
    client.force_login(mina)
    review = reverse("assessments:review", args=[team.pk, alice.pk])
    client.post(review, {"comment": "Private words about a family"})
    client.post(review, {"sign_off": "1"})
    client.force_login(alice)
    client.post(share, {"share": "0"})
    prove_again(client)  # deleting asks who she is again first
    client.post(reverse("assessments:delete_account"))
    lines = security_log()
    for event, who in [
        ("evidence.shared", alice),
        ("review.commented", mina),
        ("review.signed_off", mina),
        ("evidence.withdrawn", alice),
        ("account.deleted", alice),
    ]:
        assert any(
            line.startswith(f"event={event} ") and f"user_id={who.pk}" in line for line in lines
        ), event
    assert not any("Private words" in line for line in lines)
