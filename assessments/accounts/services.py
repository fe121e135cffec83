"""Writes with rules for a person's own account: sharing evidence with a team's
managers, deleting the account. Each is one transaction;
the views log each one as a security event (ASVS 16.3.3)."""

from django.db import transaction
from django.utils import timezone

from ..models import Membership, User
from ..portfolio import reminders
from ..portfolio import services as portfolio_services


@transaction.atomic
def set_sharing(*, membership: Membership, share: bool) -> Membership:
    """Let this team's managers read the member's evidence (and review the assessment),
    or withdraw that. Statuses are seen either way."""
    membership.shares_evidence = share
    membership.shared_at = timezone.now() if share else None
    membership.save(update_fields=["shares_evidence", "shared_at"])
    if share:
        managers = User.objects.filter(
            memberships__team_id=membership.team_id, memberships__role="manager"
        ).select_related("registration")
        reminders.notify(
            list(managers),
            f"{membership.user.display_name} shared their assessment with you",
            f"{membership.user.display_name} now shares their evidence with the managers of "
            f"{membership.team.name}. You can read it and review it from the team's page.\n",
        )
    return membership


@transaction.atomic
def delete_account(*, user: User) -> None:
    """The account and everything in it: ratings, their history, memberships, reviews
    received and recovery codes go with it (foreign keys cascade); what it wrote about
    others (reviews as a manager, changes to nobody else) keeps the text and loses the
    name. Their evidence files are removed from storage once the delete commits."""
    portfolio_services.forget_files_of(user)
    user.delete()
