"""The assessments app's models, one module per concern; importable from here
(`assessments.models.X`), as migrations and the rest of the code expect."""

from .people import SUGGESTED_LEVEL, JobRole, RecoveryCode, User, display_name, target_level
from .ratings import EVIDENCE_MAX, Rating, RatingChange, Status
from .tallies import MEMBERS, Achieved, TeamTally
from .teams import (
    INVITE_DAYS,
    MEMBER_ORDER,
    Invite,
    Membership,
    MembershipQuerySet,
    Organisation,
    Review,
    Team,
    TeamQuerySet,
    TrainingLead,
    invite_token,
)

__all__ = [
    "Achieved",
    "EVIDENCE_MAX",
    "INVITE_DAYS",
    "MEMBER_ORDER",
    "MEMBERS",
    "MembershipQuerySet",
    "Organisation",
    "SUGGESTED_LEVEL",
    "Invite",
    "JobRole",
    "Membership",
    "Rating",
    "RatingChange",
    "RecoveryCode",
    "Review",
    "Status",
    "Team",
    "TeamQuerySet",
    "TeamTally",
    "TrainingLead",
    "User",
    "display_name",
    "target_level",
    "invite_token",
]
