"""Counting the KSF mapping in a provider's record (seeds 000 and 002), so the golden
test can check fixtures/ksf.json against the source itself.

The rules, from the seed audit (B1): the mapping runs from the line "KSF dimension
information in relation to the learning resource" to the end ("Print this page" is
page furniture); five section headings; each "Included in Training" header opens a
group; a "Not Included" header belongs to the open group, unless the one before it
was also "Not Included" (the record dropped an empty Included header), which opens
a new group; statements are lines starting with "- "."""

from pathlib import Path

MARKER = "KSF dimension information in relation to the learning resource"
HEADINGS = [
    "Child Development and Attachment",
    "Mental Health in Children, Young People and their Families",
    "Engagement, Containment and Communication",
    "Identification and Understanding of Need",
    "Supports and Interventions",
]


def count_groups(path: Path) -> dict[tuple[int, int], list[int]]:
    """(section, group) -> [included, not included]."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = lines[lines.index(MARKER) + 1 :]
    counts: dict[tuple[int, int], list[int]] = {}
    section = group = 0
    state = ""  # "in" or "out": which list the statements go to
    for line in lines:
        text = line.strip()
        if text in HEADINGS:
            section, group, state = HEADINGS.index(text) + 1, 0, ""
        elif text.startswith("Included in Training"):
            group, state = group + 1, "in"
            counts[(section, group)] = [0, 0]
        elif text.startswith("Not Included in Training"):
            if state != "in":  # no Included header since the last block
                group += 1
                counts[(section, group)] = [0, 0]
            state = "out"
        elif text.startswith("- "):
            counts[(section, group)][0 if state == "in" else 1] += 1
    return counts
