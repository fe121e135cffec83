"""Every URL that names an object, found by walking the URL configuration (so a new
one is picked up without anyone adding it here), tried as anonymous, another
practitioner, a manager of another team and an admin, and as the one it is for.
Only the allowed roles get through; the rest are sent to sign in or told "not found".

Each object URL must have a rule below; a new one fails
test_every_object_url_has_a_rule until it gets one."""

from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Membership, Team, User
from assessments.teams.services import create_invite
from catalogue.models import Course
from tests.factories import with_authenticator

pytestmark = pytest.mark.django_db
PASSWORD = "x-pass-12345"
ROLES = ["anonymous", "practitioner", "other_manager", "admin"]


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: frozenset[str]
    model_admin: object | None


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:  # admin's catch-all has none
            yield Route(
                f"{namespace}:{pattern.name}" if namespace else pattern.name,
                prefix + str(pattern.pattern),
                frozenset(pattern.pattern.regex.groupindex),
                getattr(pattern.callback, "model_admin", None),
            )


OBJECT_ROUTES = [r for r in walk(get_resolver().url_patterns) if r.params]

# Who may open each object URL of ours:
#   public   everyone, signed in or not
#   own      anyone signed in, who sees only their own records there
#   owner    only the person the object belongs to (Alice)
#   manager  only a manager of the team in the URL (Mina)
#   staff    admins only (every admin URL not listed here)
#   nobody   refused to everyone, admins too
RULES = {
    # A person's authenticator secret, as a page and as a QR code: admins may reset
    # two-factor sign-in but never read the secret (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": "nobody",
    "admin:otp_totp_totpdevice_qrcode": "nobody",
    "catalogue:domain_detail": "public",
    "catalogue:competency_detail": "public",
    "catalogue:course_detail": "public",
    "password_reset_confirm": "public",
    "assessments:grid": "own",
    "join": "own",  # the token in the link is the secret; anyone holding it may join
    "assessments:share": "owner",
    "assessments:team_report": "manager",
    "assessments:team_report_csv": "manager",
    "assessments:team_report_xlsx": "manager",
    "assessments:team_plan": "manager",
    "assessments:team_plan_csv": "manager",
    "assessments:team_plan_xlsx": "manager",
    "assessments:member_assessment": "manager",
    "assessments:review": "manager",
    "assessments:invite": "manager",
    "assessments:invite_link": "manager",
}
POST_ONLY = {"assessments:share", "assessments:review", "assessments:invite"}


def rule_for(route: Route) -> str | None:
    if route.name in RULES:
        return RULES[route.name]
    return "staff" if route.route.startswith("admin/") else None


def test_every_object_url_has_a_rule():
    assert [r.name for r in OBJECT_ROUTES if rule_for(r) is None] == []
    assert len([r for r in OBJECT_ROUTES if rule_for(r) == "staff"]) > 50  # the walk sees admin


@pytest.fixture
def world(catalogue, django_user_model):
    """Alice on team North (managed by Mina); Bob on no team; Omar manages team South;
    Lead is an admin. Managers and the admin have their authenticator."""
    alice = User.objects.create_user("alice", password=PASSWORD, job_role="health_visitor")
    bob = User.objects.create_user("bob", password=PASSWORD)
    north = Team.objects.create(name="North", organisation="Trust A")
    south = Team.objects.create(name="South", organisation="Trust A")
    membership = Membership.objects.create(team=north, user=alice, shares_evidence=True)
    mina = with_authenticator(User.objects.create_user("mina", password=PASSWORD))
    Membership.objects.create(team=north, user=mina, role=Membership.Role.MANAGER)
    omar = with_authenticator(User.objects.create_user("omar", password=PASSWORD))
    Membership.objects.create(team=south, user=omar, role=Membership.Role.MANAGER)
    Membership.objects.create(team=south, user=bob)
    lead = with_authenticator(User.objects.create_superuser("lead", "l@example.org", PASSWORD))
    invite = create_invite(team=north, manager=mina)
    return {
        "alice": alice,
        "mina": mina,
        "users": {"practitioner": bob, "other_manager": omar, "admin": lead},
        "north": north,
        "membership": membership,
        "invite": invite,
        "course": Course.objects.order_by("pk").first(),
    }


def kwargs_for(route: Route, world) -> dict:
    """Arguments that name one of Alice's (or her team's) objects."""
    alice, north = world["alice"], world["north"]
    given = {
        "pk": world["membership"].pk if route.name == "assessments:share" else north.pk,
        "member_id": alice.pk,
        "invite_id": world["invite"].pk,
        "level": 1,
        "domain": 1,
        "number": 1,
        "code": "1.07",
        "slug": world["course"].slug,
        "token": world["invite"].token,
        "uidb64": "MQ",
        "app_label": "catalogue",
        "kind": "csv",
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
    if route.name in POST_ONLY:
        return client.post(url, {"comment": "Fine", "share": "1"})
    return client.get(url)


def allowed_user(rule, world):
    return {"owner": world["alice"], "manager": world["mina"]}.get(rule)


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_only_the_allowed_roles_get_through(client, world, route):
    rule = rule_for(route)
    # Our sign-in page, or for the admin its own, which sends people on to ours.
    admin_url = route.route.startswith("admin/")
    sign_in_url = ("/admin/login/", reverse("login")) if admin_url else reverse("login")
    for role in ROLES:
        user = world["users"].get(role)
        response = request(client, route, world, user)
        through = response.status_code in (200, 302) and not response.get(
            "Location", ""
        ).startswith(sign_in_url)
        if rule == "public" or (rule == "own" and user) or (rule == "staff" and role == "admin"):
            assert through, (role, response.status_code, response.get("Location"))
        elif rule == "nobody" and role == "admin":
            assert response.status_code == 403
        elif user is None or admin_url:
            assert response.status_code == 302, (role, response.status_code)
            assert response["Location"].startswith(sign_in_url), role
        else:
            assert response.status_code == 404, (role, response.status_code)
    if rule in ("owner", "manager"):
        response = request(client, route, world, allowed_user(rule, world))
        assert response.status_code in (200, 302), response.status_code
        assert not response.get("Location", "").startswith(sign_in_url)


def test_admins_can_reset_but_never_read_a_persons_authenticator_secret(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=world["mina"])
    client.force_login(world["users"]["admin"])
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    config = reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    assert client.get(config).status_code == 403
