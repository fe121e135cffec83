"""Parsing what practitioners send. The grid is read by hand (one <form>, plain
inputs) because a formset of 63 crispy forms costs far more to render."""

from dataclasses import dataclass, field

from django import forms

from ..items import Item, Text
from ..models import EVIDENCE_MAX, Rating, Status
from .services import Entry


@dataclass
class GridRow:
    """One item as the grid shows it: what is saved, or what was typed, and any error."""

    item: Item
    status: str
    evidence: str
    version: int
    seen_status: str
    seen_fingerprint: str
    error: str = ""
    wording: Text | None = None  # the competency's wording at this level, when loaded
    # After a clash: the rating saved elsewhere (None when it was deleted meanwhile).
    conflict: Rating | None = None
    conflict_missing: bool = False
    proposed: bool = False  # a training record's course links to it (?record=)
    files: list = field(default_factory=list)  # evidence files on this item


class GridSubmission:
    """The grid's POST for one domain at one level, turned into service entries."""

    def __init__(self, data, rows: list[GridRow]):
        self.data = data
        self.rows = rows
        self.errors: dict[str, str] = {}

    def entries(self) -> list[Entry] | None:
        """Entries for every item, or None when a row is invalid (rows then carry
        the typed text and a message, so nothing the person wrote is lost)."""
        entries = []
        for row in self.rows:
            code = row.item.code
            status = self.data.get(f"status-{code}", row.status)
            evidence = self.data.get(f"evidence-{code}", row.evidence).replace("\r\n", "\n")
            has_nul = "\x00" in evidence
            evidence = evidence.replace("\x00", "")
            try:
                version = int(self.data.get(f"version-{code}", row.version))
            except ValueError:
                version = -1  # tampered: treated as a conflict, never as current
            row.status, row.evidence = status, evidence
            row.seen_status = self.data.get(f"seen-status-{code}", row.seen_status)
            row.seen_fingerprint = self.data.get(f"seen-digest-{code}", row.seen_fingerprint)
            row.version = version
            if has_nul:
                # PostgreSQL cannot store it; it comes from pasting, never from typing.
                row.error = (
                    "Your evidence had a hidden character that cannot be stored (it comes "
                    "from pasting); it has been taken out. Check the text, then save again."
                )
            elif status not in Status.values:
                words = ", ".join(label.lower() for label in Status.labels)
                row.error = f"Choose one of: {words}."
            elif len(evidence) > EVIDENCE_MAX:
                row.error = (
                    f"Evidence can be up to {EVIDENCE_MAX:,} characters; this has "
                    f"{len(evidence):,}. Shorten it, or keep the detail elsewhere and summarise."
                )
            if row.error:
                self.errors[code] = row.error
            entries.append(
                Entry(row.item, status, evidence, version, row.seen_status, row.seen_fingerprint)
            )
        return None if self.errors else entries


class ChangesSinceForm(forms.Form):
    since = forms.DateField(
        label="Show changes since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="e.g. the date of your last appraisal.",
    )
