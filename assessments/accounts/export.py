"""Everything a practitioner owns, for their own download."""

from collections.abc import Iterator


def own_data_rows(ratings, changes) -> Iterator[list]:
    """A practitioner's ratings and then their history, for their own CSV download."""
    yield ["record", "level", "item", "status", "evidence", "when", "old status", "old evidence"]
    for r in ratings:
        yield [
            "rating",
            r.level_id,
            r.item_key,
            r.status,
            r.evidence,
            r.updated_at.isoformat(),
            "",
            "",
        ]
    for c in changes:
        yield [
            "change",
            c.rating.level_id,
            c.rating.item_key,
            c.new_status,
            c.new_evidence,
            c.changed_at.isoformat(),
            c.old_status,
            c.old_evidence,
        ]
