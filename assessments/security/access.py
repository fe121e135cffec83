"""Who may see what; the one place that decides it.

A practitioner's own pages look nothing up by an id from the URL. Team pages
take a team id and a member id: they come through team_in_charge and team_member,
so anything the user may not see is reported as missing (404), and every refusal
is logged with who asked and from where (ASVS 16.3.2). Team pages also need the
second factor of this sign-in, checked on each request (two_factor.is_verified),
so a person made a manager while signed in gives it before the first team page.

Three roles see teams (each defined once, in security.roles). A team's managers see its
statuses, and the evidence of members who share it with them (and review it). An
organisation's training leads (TrainingLead) see statuses of their organisation's
teams, change who is on them and invite people, and see nothing of another
organisation. Site admins (User.is_site_admin: a superuser, or staff given the
permission; staff status alone is not enough) see every organisation as a lead does.
Evidence is one rule (visible_evidence): the member shares it and the viewer manages
that team, so leads and admins never read it unless they manage that team; and nobody
makes themselves a manager (teams.services)."""

from typing import TYPE_CHECKING, TypedDict, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from ..models import (
    EvidenceFile,
    Invite,
    Job,
    Membership,
    Organisation,
    OrganisationAPIKey,
    PersonalAPIKey,
    ProposedRecord,
    Reflection,
    Team,
    TrainingRecord,
    User,
)
from . import audit, two_factor
from .signed_in import SignedInRequest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class InCharge(TypedDict):
    """What Team.objects.in_charge_of annotates on each team."""

    managed: bool  # the user is one of its managers
    led: bool  # the user leads its organisation, or is a site admin


if TYPE_CHECKING:
    TeamInCharge = WithAnnotations[Team, InCharge]


def _refused(request: HttpRequest, what: str, pk: object) -> Http404:
    """Log a refused look at an object, then report it as missing."""
    audit.event("access.refused", request, object=f"{what}:{pk}")
    return Http404("Not found")


def _second_factor_given(request: HttpRequest) -> None:
    if not two_factor.is_verified(request):
        raise two_factor.SecondFactorNeeded


def organisation_admin(user: User) -> bool:
    """Who sees every team of every organisation: the site's admins (User.is_site_admin)."""
    return user.is_authenticated and user.is_site_admin


def managed_teams(request: SignedInRequest) -> list[Team]:
    """The teams the signed-in person manages (the second factor is needed to list
    them, as to open them). One query."""
    teams = list(Team.objects.managed_by(request.user))
    if teams:
        _second_factor_given(request)
    return teams


def team_in_charge(request: SignedInRequest, pk: int) -> "TeamInCharge":
    """A team the user manages or leads (Team.objects.in_charge_of), or 404: a manager
    of team A learns nothing of team B, a lead of trust A nothing of trust B. The team
    carries `managed` and `led`."""
    team = Team.objects.in_charge_of(request.user).filter(pk=pk).first()
    if team is None:
        raise _refused(request, "team", pk)
    _second_factor_given(request)
    return cast("TeamInCharge", team)  # in_charge_of annotates both


def managed_team(request: SignedInRequest, pk: int) -> "TeamInCharge":
    """A team the user is one of the managers of, or 404 (reviews: evidence is shared
    with the team's managers only)."""
    team = team_in_charge(request, pk)
    if not team.managed:
        raise _refused(request, "team", pk)
    return team


def led_team(request: SignedInRequest, pk: int) -> "TeamInCharge":
    """A team of an organisation the user leads (or any, for admins), or 404: who is on
    a team, and its staff, are changed by leads."""
    team = team_in_charge(request, pk)
    if not team.led:
        raise _refused(request, "team", pk)
    return team


def organisations(request: SignedInRequest) -> list[Organisation]:
    """The organisations whose overview the user may see (all, for admins). One query."""
    found = list(Organisation.objects.visible_to(request.user))
    if found:
        _second_factor_given(request)
    return found


def organisation(request: SignedInRequest, pk: int) -> Organisation:
    """An organisation the user leads (any, for admins), or 404."""
    found = Organisation.objects.visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise _refused(request, "organisation", pk)
    _second_factor_given(request)
    return found


def api_organisation(request: HttpRequest, pk: int, *, write: bool = False) -> Organisation:
    """The organisation of an /api/v1/organisations/<pk>/… request, or 404; the first
    line of every view there (assessments/api/organisations/keys.py says how a request
    is authenticated).

    With an organisation API key (request.auth): the key's own organisation when `pk`
    names it, else 404 (a key never learns whether another organisation exists); a write
    (`write=True`) with a read-only key is refused, 403 ("this key can only read").
    With a session: as access.organisation decides for the pages, an organisation she
    leads, or any for the site's admins (User.is_site_admin: they may use the
    organisation API with their session, as they may open every organisation's pages;
    staff status alone is not enough), else 404; and this sign-in must have given its
    second factor, else 403 (a program cannot be sent to give it, as a page is).
    No query with a key (it came with its organisation); one with a session."""
    key = getattr(request, "auth", None)
    if isinstance(key, OrganisationAPIKey):
        if key.organisation_id != pk:
            raise _refused(request, "organisation", pk)
        if write and not key.can_write:
            raise PermissionDenied(
                "This API key can only read. A training lead can make a key that can "
                "also write, on the organisation's API keys page."
            )
        return key.organisation
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise _refused(request, "organisation", pk)
    found = Organisation.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise _refused(request, "organisation", pk)
    if not two_factor.is_verified(request):
        raise PermissionDenied(
            "This sign-in has not given its second factor: sign in to the site with it, "
            "then try again."
        )
    return found


def api_team(request: HttpRequest, organisation: Organisation, pk: int) -> Team:
    """A team of `organisation` (which must come from api_organisation), or 404: another
    organisation's team is missing, as on the pages. One query."""
    team = Team.objects.filter(organisation=organisation, pk=pk).first()
    if team is None:
        raise _refused(request, f"organisation:{organisation.pk}/team", pk)
    return team


def organisation_api_key(
    request: SignedInRequest, organisation: Organisation, prefix: str
) -> OrganisationAPIKey:
    """One of the API keys of `organisation` (which must come from access.organisation:
    any of its leads may revoke it), named by its prefix, or 404."""
    key = OrganisationAPIKey.objects.filter(organisation=organisation, prefix=prefix).first()
    if key is None:
        raise _refused(request, f"organisation:{organisation.pk}/api_key", prefix)
    return key


def team_member(request: SignedInRequest, team: Team, member_id: int) -> Membership:
    """A member of `team` (which must come from team_in_charge), or 404."""
    membership = (
        Membership.objects.members()
        .select_related("user")
        .filter(team=team, user_id=member_id)
        .first()
    )
    if membership is None:
        raise _refused(request, f"team:{team.pk}/member", member_id)
    return membership


def visible_evidence(team: Team, membership: Membership, viewer: User | None = None) -> bool:
    """The one rule for evidence: may the viewer read this member's evidence notes and
    files (and review or sign off their assessment)? Only while the member shares it
    with the team, and only if the viewer manages that team. A team from team_in_charge
    carries `managed` (no query); otherwise `viewer` is checked (one query). Statuses
    are always seen; leads and admins who do not manage the team never read evidence."""
    if not membership.shares_evidence:
        return False
    managed = getattr(team, "managed", None)
    if managed is None:
        managed = (
            viewer is not None
            and Membership.objects.managers().filter(team=team, user=viewer).exists()
        )
    return bool(managed)


def own_membership(request: SignedInRequest, pk: int) -> Membership:
    """One of the user's own memberships (to share or withdraw evidence), or 404."""
    membership = Membership.objects.select_related("team").filter(pk=pk, user=request.user).first()
    if membership is None:
        raise _refused(request, "membership", pk)
    return membership


def team_invite(request: SignedInRequest, team: Team, invite_id: int) -> Invite:
    """An invitation to `team` (which must come from team_in_charge), or 404."""
    invite = Invite.objects.select_related("used_by").filter(team=team, pk=invite_id).first()
    if invite is None:
        raise _refused(request, f"team:{team.pk}/invite", invite_id)
    return invite


def own_record(request: SignedInRequest, pk: int) -> TrainingRecord:
    """One of the user's own training records, or 404."""
    record = (
        TrainingRecord.objects.select_related("course", "module")
        .filter(pk=pk, user=request.user)
        .first()
    )
    if record is None:
        raise _refused(request, "training_record", pk)
    return record


def own_proposal(request: SignedInRequest, pk: int) -> ProposedRecord:
    """One of the user's own proposed records still waiting for her decision, or 404
    (whoever brought it in, a lead included, never reaches it through here)."""
    found = (
        ProposedRecord.objects.select_related("brought_by", "course", "module")
        .filter(pk=pk, user=request.user, state="proposed")
        .first()
    )
    if found is None:
        raise _refused(request, "proposed_record", pk)
    return found


def own_reflection(request: SignedInRequest, pk: int) -> Reflection:
    """One of the user's own reflections, or 404."""
    reflection = Reflection.objects.filter(pk=pk, user=request.user).first()
    if reflection is None:
        raise _refused(request, "reflection", pk)
    return reflection


def own_file(request: SignedInRequest, pk: int) -> EvidenceFile:
    """One of the user's own evidence files (to delete it), or 404."""
    found = EvidenceFile.objects.filter(pk=pk, owner=request.user).first()
    if found is None:
        raise _refused(request, "evidence_file", pk)
    return found


def evidence_file(request: SignedInRequest, pk: int) -> EvidenceFile:
    """An evidence file the user may download, or 404: their own, or, for a manager of a
    team, a member's while that member shares their evidence with the team (the second
    factor is needed then). Leads and admins who do not manage the team never see one.
    One query, two with the second-factor check."""
    user = request.user
    shared = Membership.objects.members().filter(
        user=OuterRef("owner"),
        shares_evidence=True,
        team__in=Team.objects.managed_by(user).values("pk"),
    )
    found = EvidenceFile.objects.filter(pk=pk).filter(Q(owner=user) | Q(Exists(shared))).first()
    if found is None:
        raise _refused(request, "evidence_file", pk)
    if found.owner_id != user.pk:
        _second_factor_given(request)
    return found


def import_sending(request: SignedInRequest, organisation: Organisation, job_id: int) -> Job:
    """The invitation e-mails of a staff import into `organisation` (which must come from
    access.organisation: any of its leads may follow them), or 404."""
    job = Job.objects.filter(
        pk=job_id, organisation=organisation, kind=Job.Kind.INVITATIONS
    ).first()
    if job is None:
        raise _refused(request, f"organisation:{organisation.pk}/sending", job_id)
    return job


def own_job(request: SignedInRequest, pk: int) -> Job:
    """A download being prepared for the signed-in person (theirs only), or 404."""
    job = Job.objects.filter(pk=pk, owner=request.user, organisation=None).first()
    if job is None:
        raise _refused(request, "job", pk)
    return job


def own_person(request: HttpRequest) -> User:
    """The person whose own record an API call reads: whoever is signed in with her own
    session or personal token. An organisation's key is nobody's record (401)."""
    from rest_framework.exceptions import NotAuthenticated

    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        raise NotAuthenticated("Sign in, or send your personal token, to read your own record.")
    return user


def own_api_token(request: SignedInRequest, prefix: str) -> PersonalAPIKey:
    """One of her own API tokens, named by its prefix, or 404."""
    token = PersonalAPIKey.objects.filter(user=request.user, prefix=prefix).first()
    if token is None:
        raise _refused(request, "api_token", prefix)
    return token
