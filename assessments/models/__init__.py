"""The assessments app's models, one module per concern; importable from here
(`assessments.models.X`), as migrations and the rest of the code expect."""

from .people import SUGGESTED_LEVEL, JobRole, RecoveryCode, User
from .ratings import EVIDENCE_MAX, Rating, RatingChange, Status
from .teams import Invite, Membership, Review, Team, TeamQuerySet, invite_token

__all__ = [
    "EVIDENCE_MAX",
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
    "User",
    "invite_token",
]
