"""Reading the change history for the pages that show it."""

from dataclasses import dataclass
from datetime import date, datetime

from ..items import answer_label, whole_domain_code
from ..models import RatingChange, Status


@dataclass(frozen=True)
class ChangeRow:
    when: datetime
    level: int
    code: str
    label: str  # what a person reads: "1.07 Heading" or "Domain 3 as a whole: name"
    old_label: str
    new_label: str
    evidence: str
    by: str  # "you", another username, or "–"


def recent_changes(user, *, since: date | None = None, limit: int = 8) -> list[ChangeRow]:
    """The user's latest changes, newest first. One query (values_list: the
    dashboard shows these on every visit)."""
    changes = RatingChange.objects.filter(rating__user=user)
    if since:
        changes = changes.filter(changed_at__date__gte=since)
    rows = changes.values_list(
        "changed_at",
        "rating__level",
        "rating__competency__code",
        "rating__competency__heading",
        "rating__domain",
        "rating__domain__name",
        "old_status",
        "new_status",
        "new_evidence",
        "changed_by_id",
        "changed_by__username",
    )[:limit]
    return [
        ChangeRow(
            when,
            level,
            code or whole_domain_code(domain),
            answer_label(code, heading, domain, domain_name),
            Status(old).label,
            Status(new).label,
            evidence,
            "you" if by_id == user.pk else (by_name or "–"),
        )
        for (
            when,
            level,
            code,
            heading,
            domain,
            domain_name,
            old,
            new,
            evidence,
            by_id,
            by_name,
        ) in rows
    ]
