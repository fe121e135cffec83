"""Every URL of the site, found by walking the URL configuration (so a new one is
picked up without anyone adding it here), tried as anonymous, another practitioner, a
manager of another team, the training lead of another organisation, a staff account
with no permission at all, a training lead who also manages another team of her own
organisation, and an admin, and as the ones it is for. Only the allowed roles get
through; the rest are sent to sign in or told "not found" (Django admin answers a staff
account without the permission 403).

Each URL must have a rule below (admin URLs default to "staff"); a new one fails
test_every_url_has_a_rule until it gets one. This is the suite's one access matrix
and its one guard for new URLs."""

import datetime
from dataclasses import dataclass

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.socialaccount.models import SocialApp
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.api import personal_keys
from assessments.models import (
    Job,
    Membership,
    ProposedRecord,
    Reflection,
    TrainingRecord,
    User,
)
from assessments.portfolio import files, reminders
from assessments.portfolio import services as portfolio_services
from assessments.tasks import invitations, prepared
from assessments.teams.services import create_invite
from catalogue.models import Course
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    api_key,
    with_authenticator,
)

pytestmark = pytest.mark.django_db
ROLES = [
    "anonymous",
    "practitioner",
    "other_manager",
    "other_lead",
    "bare_staff",  # is_staff and no permission: the admin's door, nothing else
    "lead_manager",  # leads Trust A (North's) and manages South, not North
    "admin",
]
# Django admin pages a staff account opens with no permission: its index (which lists
# nothing), signing in and out, its password change (sent to ours), and "view on site"
# (a redirect to a public page). Every other admin page answers it 403 or 404, or sends
# it back to the index.
OPEN_TO_ANY_STAFF = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin_password_change",
    "admin:jsi18n",
    "admin:view_on_site",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: frozenset[str]
    model_admin: object | None


def walk(patterns, prefix="", namespace="", params=frozenset()):
    for pattern in patterns:
        here = params | frozenset(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, here)
        elif isinstance(pattern, URLPattern) and pattern.name:  # admin's catch-all has none
            yield Route(
                f"{namespace}:{pattern.name}" if namespace else pattern.name,
                prefix + str(pattern.pattern),
                here,
                getattr(pattern.callback, "model_admin", None),
            )


def unique(routes):
    """A name declared twice (ours before django.contrib.auth's) resolves to the first."""
    seen = set()
    for route in routes:
        if route.name not in seen:
            seen.add(route.name)
            yield route


ROUTES = list(unique(walk(get_resolver().url_patterns)))
OWN_PAGES = [
    # Second factors (django-allauth): setting up, viewing and replacing them, and
    # proving who one is again before a change; each asks for a sign-in first.
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_reauthenticate_webauthn",
    "mfa_generate_recovery_codes",  # asks who one is again first, then makes new ones
    "mfa_remove_webauthn",
    "mfa_edit_webauthn",
    # The account's addresses, password and work accounts (django-allauth).
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "account_set_password",
    "socialaccount_connections",
    "admin:password_change",  # sends everyone to our own page, with its confirmation
    "admin_password_change",
    "assessments:dashboard",
    "assessments:profile",
    "assessments:gaps",
    "assessments:plan",
    "assessments:plan_print",
    "assessments:plan_pdf",
    "assessments:history",
    "assessments:export_json",
    "assessments:export_csv",
    "assessments:delete_account",  # asks who one is again first (allauth), then asks
    "assessments:teams",  # lists only the teams the signed-in person manages
    # A download to be prepared: a POST asks (tests/assessments/test_prepared_downloads.py);
    # a GET goes to the page that offers it.
    "assessments:export_zip",
    "assessments:portfolio",
    "assessments:registration",
    "assessments:dates_ics",
    "assessments:pack_pdf",
    "assessments:pack_zip",
    "assessments:record_new",
    "assessments:reflection_new",
]
PUBLIC_PAGES = [
    "account_signup",  # when the site opens sign-up (the test opens it)
    "account_login",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",  # the key in the link is the secret
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",  # the key in the link is the secret
    "account_reset_password_from_key_done",
    "socialaccount_login_cancelled",
    "catalogue:home",
    "catalogue:framework",
    "catalogue:course_list",
    "catalogue:glossary",
    "catalogue:grades",
    "catalogue:accessibility",
    "health",
]
# The steps of a sign-in under way (rule "step" below).
SIGN_IN_STEPS = [
    "mfa_authenticate",  # the code after the password
    "mfa_login_webauthn",  # a passkey alone (a POST from the sign-in page)
    "account_confirm_login_code",
    "openid_connect_login",  # asks the provider (here: not reachable, said so)
    "openid_connect_callback",  # the provider's answer (here: none, refused)
    "socialaccount_signup",  # a work account's first sign-in asks for the job role
    # Where a work account's failed sign-in is explained, to a signed-in person (one
    # not signed in is shown it on the callback's own page, and sent to sign in here).
    "socialaccount_login_error",
]
# A person's own second factors (rule "factor" below): the authenticator app (turning
# it off) and the recovery codes (viewing, downloading, replacing them).
OWN_FACTOR_PAGES = [
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
]

# Who may open each object URL of ours:
#   public   everyone, signed in or not
#   own      anyone signed in, who sees only their own records there
#   owner    only the person the object belongs to (Alice)
#   manager  only a manager of the team in the URL (Mina)
#   in_charge  the team's managers (Mina), its organisation's training lead (Tess), admins
#   lead     its organisation's training lead (Tess) and admins
#   leads    anyone who leads an organisation (each sees their own), and admins
#   staff    admins only (every admin URL not listed here)
#   nobody   refused to everyone, admins too
#   any      answers everyone without an error, and shows nothing
#   step     a step of a sign-in under way (the code after the password, a passkey, a
#            work account's answer): open to everyone, signed in or not; with none under
#            way it says so or sends the person to sign in; never a 404 or an error page
#            of ours
#   admin_door  admin's own sign-in page: sends anyone not signed in to ours, lets staff
#            on to the admin, and refuses (403) anyone else signed in
#   factor   anyone signed in who has set up that second factor (their own); a 404 for
#            anyone who has not
RULES = {
    "assessments:organisations": "leads",
    "assessments:organisation": "lead",
    "assessments:new_team": "lead",
    "assessments:staff_import": "lead",
    "assessments:staff_import_confirm": "lead",
    "assessments:staff_import_template": "lead",
    "assessments:staff_import_sending": "lead",
    "assessments:people": "lead",
    "assessments:change_person": "lead",
    # A file of staff learning brought in as proposals for the organisation's people.
    "assessments:learning_import": "lead",
    "assessments:learning_import_template": "lead",
    # An organisation's API keys: its leads (and admins) list, make and revoke them.
    # A person's own API tokens: anyone signed in sees and makes her own (making one
    # then asks who she is again); one token is its owner's only.
    "assessments:api_tokens": "own",
    "assessments:api_token_new": "own",
    "assessments:api_token_revoke": "owner",
    "assessments:api_keys": "lead",
    "assessments:api_key_new": "lead",  # then asks who she is again (allauth)
    "assessments:api_key_revoke": "lead",
    # Keys are made by a lead on that page only (shown to her once), never in admin;
    # revoked, never deleted.
    "admin:assessments_organisationapikey_add": "nobody",
    "admin:assessments_organisationapikey_delete": "nobody",
    # A person's own tokens are made by her only, on her account (shown to her once).
    "admin:assessments_personalapikey_add": "nobody",
    "admin:assessments_personalapikey_delete": "nobody",
    # Learning brought in waits for its person: admins may look, never make one.
    "admin:assessments_proposedrecord_add": "nobody",
    "admin:assessments_proposedrecord_delete": "nobody",
    "admin:logout": "any",  # signing out is harmless for anyone; nobody gets an error
    "account_logout": "any",
    "admin:login": "admin_door",
    **dict.fromkeys(SIGN_IN_STEPS, "step"),
    **dict.fromkeys(OWN_FACTOR_PAGES, "factor"),
    # Where signing in lands: a redirect to the person's own team or own progress
    # (tests/assessments/test_teams.py), to sign-in for anyone not signed in.
    "assessments:start": "any",
    # Nobody adds these by hand: sign-in records and lockouts (django-axes) are written by
    # sign-ins; an authenticator is added by its owner only (assessments/admin.py).
    "admin:axes_accessattempt_add": "nobody",
    "admin:axes_accesslog_add": "nobody",
    "admin:axes_accessfailurelog_add": "nobody",
    "admin:mfa_authenticator_add": "nobody",
    # Background work is made by the app and its workers, never typed in admin.
    "admin:assessments_job_add": "nobody",
    "admin:assessments_failedtask_add": "nobody",
    **dict.fromkeys(OWN_PAGES, "own"),
    # "Confirm it's you" with a work account (security.reauth): sends anyone with a
    # password or a second factor on to the page they came from.
    "confirm_with_work_account": "own",
    **dict.fromkeys(PUBLIC_PAGES, "public"),
    "catalogue:domain_detail": "public",
    "catalogue:competency_detail": "public",
    "catalogue:course_detail": "public",
    # The public JSON API (catalogue/api/), its OpenAPI description and Swagger UI page.
    "api:framework": "public",
    "api:framework_case": "public",
    "api:course_list": "public",
    "api:course_detail": "public",
    "api:schema": "public",
    "api:docs": "public",
    # The organisation API (assessments/api/organisations/): the organisations she may
    # see (none for most people: an empty list), and one organisation's teams, members'
    # statuses, tallies and plans, and its staff written, for its leads and admins.
    "api:organisations": "own",
    "api:organisation": "lead",
    "api:organisation_teams": "lead",
    "api:team_members": "lead",
    "api:team_tally": "lead",
    "api:team_plan": "lead",
    "api:organisation_staff": "lead",
    "api:organisation_learning": "lead",  # completions sent as xAPI, proposed to people
    # A person's own record (assessments/api/record.py): only ever her own.
    "api:me": "own",
    "api:my_ratings": "own",
    "api:my_gaps": "own",
    "api:my_plan": "own",
    "api:my_training_records": "own",
    "assessments:grid": "own",
    "assessments:item_file": "own",  # a file on one of the person's own items
    "join": "public",  # the token is the secret: anyone holding it sees the team; joining
    # (POST) needs a sign-in (tests/assessments/test_teams.py)
    "assessments:share": "owner",
    "assessments:team_report": "in_charge",
    "assessments:team_report_csv": "in_charge",
    "assessments:team_report_xlsx": "in_charge",
    "assessments:team_plan": "in_charge",
    "assessments:team_plan_csv": "in_charge",
    "assessments:team_plan_xlsx": "in_charge",
    "assessments:team_budget": "in_charge",
    "assessments:team_budget_csv": "in_charge",
    "assessments:team_budget_xlsx": "in_charge",
    "assessments:team_budget_pdf": "in_charge",
    "assessments:team_plan_pdf": "in_charge",
    "assessments:member_assessment": "in_charge",
    "assessments:review": "manager",
    "assessments:invite": "in_charge",
    "assessments:invite_link": "in_charge",
    "assessments:team_training": "in_charge",
    # A portfolio's records, reflections and files: their owner only.
    "assessments:record": "owner",
    "assessments:record_delete": "owner",
    "assessments:record_file": "owner",
    "assessments:reflection": "owner",
    "assessments:reflection_delete": "owner",
    "assessments:reflection_file": "owner",
    "assessments:file_delete": "owner",
    # Learning brought in: anyone brings in her own file and sees her own proposals;
    # one proposal (to change, confirm or discard it) is its practitioner's only.
    "assessments:bring_in": "own",
    "assessments:bring_in_template": "own",
    "assessments:proposals": "own",
    "assessments:proposal_confirm_all": "own",
    "assessments:proposal": "owner",
    "assessments:proposal_confirm": "owner",
    "assessments:proposal_discard": "owner",
    # An evidence file: its owner, and a manager of her team while she shares evidence
    # (she does here); never a lead or an admin who does not manage the team.
    "assessments:evidence_file": "evidence",
    # A download prepared on the queue, its page and its file: the person who asked only.
    "assessments:prepared": "owner",
    "assessments:prepared_file": "owner",
    # The signed token is the secret; a GET only asks (a POST unsubscribes).
    "unsubscribe": "public",
}
POST_ONLY = {
    "assessments:share",
    "assessments:new_team",
    "assessments:staff_import_confirm",
    "assessments:change_person",
    "api:organisation_staff",  # JSON: one person to invite (request() below)
    "api:organisation_learning",  # JSON: one xAPI statement (request() below)
    "assessments:api_key_new",
    "assessments:api_token_new",
    "assessments:review",
    "assessments:invite",
    "assessments:record_delete",
    "assessments:record_file",
    "assessments:reflection_delete",
    "assessments:reflection_file",
    "assessments:file_delete",
    "assessments:proposal_confirm",
    "assessments:proposal_discard",
    "assessments:proposal_confirm_all",
    "assessments:item_file",
    "account_logout",
    "admin:logout",
}


def rule_for(route: Route) -> str | None:
    if route.name in RULES:
        return RULES[route.name]
    return "staff" if route.route.startswith("admin/") else None


def test_every_url_has_a_rule():
    assert [r.name for r in ROUTES if rule_for(r) is None] == []
    assert len([r for r in ROUTES if rule_for(r) == "staff"]) > 80  # the walk sees admin
    assert len([r for r in ROUTES if not r.route.startswith("admin/")]) >= 68


@pytest.fixture
def world(catalogue):
    """Alice on team North (managed by Mina) of Trust A, whose training lead is Tess;
    Bob on no team; Omar manages team South; Uma leads Trust B; Lead is an admin.
    Managers, leads and the admin have their authenticator."""
    alice = UserFactory(username="alice", job_role="health_visitor")
    bob = UserFactory(username="bob")
    north = TeamFactory(name="North", organisation__name="Trust A")
    south = TeamFactory(name="South", organisation__name="Trust A")
    membership = MembershipFactory(team=north, user=alice, shares_evidence=True)
    mina = with_authenticator(UserFactory(username="mina"))
    MembershipFactory(team=north, user=mina, role=Membership.Role.MANAGER)
    omar = with_authenticator(UserFactory(username="omar"))
    MembershipFactory(team=south, user=omar, role=Membership.Role.MANAGER)
    MembershipFactory(team=south, user=bob)
    lead = with_authenticator(User.objects.create_superuser("lead", "l@example.org", PASSWORD))
    stan = with_authenticator(UserFactory(username="stan", is_staff=True))
    lena = with_authenticator(UserFactory(username="lena"))
    TrainingLeadFactory(organisation=north.organisation, user=lena)
    MembershipFactory(team=south, user=lena, role=Membership.Role.MANAGER)
    tess = with_authenticator(UserFactory(username="tess"))
    TrainingLeadFactory(organisation=north.organisation, user=tess)
    uma = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation__name="Trust B", user=uma)
    for person in (mina, omar, lead, stan, lena, tess, uma):  # Bob has no second factor
        RecoveryCodes.activate(person)
    invite = create_invite(team=north, manager=mina)
    # A work-account provider (OpenID Connect), as an admin configures one; the walk
    # never reaches it over the network.
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="work",
        name="Work account",
        client_id="imhcf",
        settings={"server_url": "http://127.0.0.1:9"},  # nothing listens there
    )
    record = TrainingRecord.objects.create(
        user=alice, title="Study day", finished=datetime.date(2026, 5, 1), hours=6
    )
    reflection = Reflection.objects.create(
        user=alice, kind="account", title="Study day", happened_on=datetime.date(2026, 5, 2)
    )
    proposal = ProposedRecord.objects.create(
        user=alice,
        title="Attachments e-learning",
        finished=datetime.date(2026, 5, 3),
        hours=2,
        source="xapi",
        file_name="statements.json",
        key="walk",
        brought_by=tess,
    )
    pdf = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 certificate", "application/pdf")
    evidence = portfolio_services.add_file(
        owner=alice, checked=files.check(pdf, used=0), record=record
    )
    download = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)
    prepared.prepare(download.pk)  # as a worker would, once the ask commits
    download.refresh_from_db()
    sending = invitations.start(
        invites=[create_invite(team=north, manager=tess, email="sam@trust-a.example")],
        lead=tess,
        organisation=north.organisation,
        site="http://testserver",
        detail={"file": "staff.csv", "teams": [], "unchanged": 0},
    )
    return {
        "api_key": api_key(north.organisation, made_by=tess)[0],
        "api_token": personal_keys.make_token(user=alice, name="Alice's spreadsheet")[0],
        "sending": sending,
        "record": record,
        "proposal": proposal,
        "reflection": reflection,
        "evidence": evidence,
        "prepared": download,
        "alice": alice,
        "mina": mina,
        "tess": tess,
        "users": {
            "practitioner": bob,
            "other_manager": omar,
            "other_lead": uma,
            "bare_staff": stan,
            "lead_manager": lena,
            "admin": lead,
        },
        "north": north,
        "membership": membership,
        "invite": invite,
        "course": Course.objects.order_by("pk").first(),
    }


def kwargs_for(route: Route, world) -> dict:
    """Arguments that name one of Alice's (or her team's) objects."""
    alice, north = world["alice"], world["north"]
    own_objects = {
        "assessments:share": world["membership"].pk,
        "assessments:record": world["record"].pk,
        "assessments:record_delete": world["record"].pk,
        "assessments:record_file": world["record"].pk,
        "assessments:reflection": world["reflection"].pk,
        "assessments:reflection_delete": world["reflection"].pk,
        "assessments:reflection_file": world["reflection"].pk,
        "assessments:file_delete": world["evidence"].pk,
        "assessments:evidence_file": world["evidence"].pk,
        "assessments:proposal": world["proposal"].pk,
        "assessments:proposal_confirm": world["proposal"].pk,
        "assessments:proposal_discard": world["proposal"].pk,
    }
    given = {
        "pk": own_objects[route.name]
        if route.name in own_objects
        else north.organisation_id
        if route.route.startswith(("me/organisations/", "api/v1/organisations/"))
        else north.pk,
        "team": north.pk,
        "name": world["evidence"].name,
        # Alice's whole record, prepared and ready; or a staff import's e-mails to Trust A.
        "job": world["sending"].pk
        if route.name == "assessments:staff_import_sending"
        else world["prepared"].pk,
        "filename": world["prepared"].filename,
        "member_id": alice.pk,
        "invite_id": world["invite"].pk,
        "prefix": world["api_token"].prefix
        if route.name == "assessments:api_token_revoke"
        else world["api_key"].prefix,
        "level": 1,
        "domain": 1,
        "number": 1,
        "code": "1.07",
        "slug": world["course"].slug,
        "token": reminders.unsubscribe_token(alice.pk, reminders.DATES)
        if route.name == "unsubscribe"
        else world["invite"].token,
        # allauth's links: a key that was never issued (its page says the link is bad).
        "uidb36": "1",
        "key": "never-issued",
        "provider_id": "work",
        "app_label": "catalogue",
        "kind": "account" if route.name == "assessments:reflection_new" else "csv",
        "id": alice.pk,
        "content_type_id": ContentType.objects.get_for_model(Course).pk,
        "object_id": world["course"].pk,
    }
    if route.model_admin is not None:
        obj = route.model_admin.model._default_manager.order_by("pk").first()
        given["object_id"] = obj.pk if obj else 0
        given["pk"] = obj.pk if obj else 0
    return {name: given[name] for name in route.params}


def request(client, route, world, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    url = reverse(route.name, kwargs=kwargs_for(route, world))
    if route.name in POST_ONLY and route.route.startswith("api/"):
        return client.post(url, API_POSTS[route.name], content_type="application/json")
    if route.name in POST_ONLY:
        return client.post(url, {"comment": "Fine", "share": "1"})
    return client.get(url, QUERY.get(route.name, {}))


# What an API POST sends (JSON): the same person again invites nobody new.
API_POSTS = {
    "api:organisation_learning": [
        {
            "actor": {"mbox": "mailto:alice@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": "https://learning.example/a", "definition": {"name": {"en": "A"}}},
            "timestamp": "2026-03-05T16:00:00Z",
        }
    ],
    "api:organisation_staff": {
        "staff": [{"name": "Sam Jones", "email": "sam.jones@trust-a.example", "team": "North"}]
    },
}


# What a page needs in its query string to answer at all.
QUERY = {
    "admin:autocomplete": {
        "app_label": "assessments",
        "model_name": "membership",
        "field_name": "user",
    }
}


ALLOWED = {
    "owner": ["alice"],
    "evidence": ["alice", "mina"],
    "manager": ["mina"],
    "in_charge": ["mina", "tess"],
    "lead": ["tess"],
    "leads": ["tess"],
}
ADMINS_TOO = {"staff", "in_charge", "lead", "leads"}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_only_the_allowed_roles_get_through(client, world, route, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    rule = rule_for(route)
    # Our sign-in page, or for the admin its own, which sends people on to ours.
    admin_url = route.route.startswith("admin/")
    sign_in_url = (
        ("/admin/login/", reverse("account_login")) if admin_url else reverse("account_login")
    )
    for role in ROLES:
        user = world["users"].get(role)
        response = request(client, route, world, user)
        # 201: an API POST that wrote what it was sent (api:organisation_staff).
        through = response.status_code in (200, 201, 302) and not response.get(
            "Location", ""
        ).startswith(sign_in_url)
        if rule == "any":
            assert response.status_code == 302, (role, response.status_code)
        elif rule == "admin_door" and user is not None:
            staff = role in ("admin", "bare_staff")
            assert through if staff else response.status_code == 403, (role, response)
        elif rule == "step":
            assert response.status_code not in (404, 500), (role, response.status_code)
        elif rule == "factor" and user is not None:
            has_factors = Authenticator.objects.filter(user=user).count() == 2
            expected = "through" if has_factors else 404
            assert through if has_factors else response.status_code == 404, (
                role,
                expected,
                response.status_code,
            )
        elif role == "bare_staff" and admin_url:
            # Django admin lets a staff account in and refuses every model page to one
            # without permissions.
            if route.name not in OPEN_TO_ANY_STAFF:
                refused = response.status_code in (403, 404) or (
                    response.status_code == 302 and response["Location"] == "/admin/"
                )
                assert refused, (role, response.status_code, response.get("Location"))
        elif rule in {"in_charge", "lead", "leads"} and role == "lead_manager":
            assert through, (role, response.status_code, response.get("Location"))
        elif (
            rule == "public"
            or (rule == "own" and user)
            or (rule in ADMINS_TOO and role == "admin")
            or (rule == "leads" and role == "other_lead")  # sees only their own
        ):
            assert through, (role, response.status_code, response.get("Location"))
        elif rule == "nobody" and role == "admin":
            assert response.status_code == 403
        elif user is None and route.route.startswith("api/"):
            # A program is told in JSON that it must sign in, never sent to a page.
            assert response.status_code in (401, 403), (role, response.status_code)
            assert response["Content-Type"] == "application/json", role
        elif user is None or admin_url:
            assert response.status_code == 302, (role, response.status_code)
            assert response["Location"].startswith(sign_in_url), role
        else:
            assert response.status_code == 404, (role, response.status_code)
    for name in ALLOWED.get(rule, []):
        response = request(client, route, world, world[name])
        assert response.status_code in (200, 201, 302), (name, response.status_code)
        assert not response.get("Location", "").startswith(sign_in_url), name


def test_admins_can_reset_but_never_read_a_persons_authenticator_secret(client, world):
    """An admin sees who has an authenticator and may delete it (a lost phone), but
    never reads its secret, not even a character at a time through a lookup."""
    totp = Authenticator.objects.get(user=world["mina"], type=Authenticator.Type.TOTP)
    secret = totp.data["secret"]
    client.force_login(world["users"]["admin"])
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()
    listing = reverse("admin:mfa_authenticator_changelist")
    assert secret not in client.get(listing).content.decode()
    probe = client.get(listing, {"data__secret__startswith": secret[0]})
    assert probe.status_code == 400 or "e=1" in probe.get("Location", "")
    changed = client.post(
        reverse("admin:mfa_authenticator_change", args=[totp.pk]), {"type": "totp"}
    )
    assert changed.status_code == 403
    client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
