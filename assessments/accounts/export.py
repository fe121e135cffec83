"""Everything a practitioner owns, for their own download: labels a person reads (as
in the managers' exports), not stored codes."""

from collections.abc import Iterator

from ..models import Status

STATUS_LABEL = dict(Status.choices)


def own_data_rows(ratings, changes) -> Iterator[list]:
    """A practitioner's ratings and then their history, for their own CSV download
    (ratings and changes come with their competency and domain)."""
    yield [
        "Record",
        "Level",
        "Item",
        "Status",
        "Evidence",
        "When",
        "Status before",
        "Evidence before",
    ]
    for r in ratings:
        yield [
            "Rating",
            r.level_id,
            r.item_label,
            STATUS_LABEL[r.status],
            r.evidence,
            r.updated_at.isoformat(),
            "",
            "",
        ]
    for c in changes:
        yield [
            "Change",
            c.rating.level_id,
            c.rating.item_label,
            STATUS_LABEL[c.new_status],
            c.new_evidence,
            c.changed_at.isoformat(),
            STATUS_LABEL[c.old_status],
            c.old_evidence,
        ]
