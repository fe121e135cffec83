"""Building grid POSTs the way the page's form sends them, and rating through the
service as the grid does."""

from assessments.items import load_framework
from assessments.ratings.progress import ratings_by_key
from assessments.ratings.services import Entry, fingerprint, save_domain


def grid_post(user, level, domain, changes=None, *, stale_from=None):
    """The form data for one grid page as first rendered, with `changes`
    ({code: (status, evidence)}) applied. `stale_from` gives the ratings the form
    was opened with (default: what is stored now)."""
    items = load_framework().items[(level, domain)]
    seen = (
        stale_from if stale_from is not None else ratings_by_key(user, level=level, domain=domain)
    )
    data = {}
    for item in items:
        rating = seen.get(item.key)
        status = rating.status if rating else "not_assessed"
        evidence = rating.evidence if rating else ""
        data[f"version-{item.code}"] = str(rating.version if rating else 0)
        data[f"seen-status-{item.code}"] = status
        data[f"seen-digest-{item.code}"] = fingerprint(evidence)
        data[f"status-{item.code}"], data[f"evidence-{item.code}"] = (changes or {}).get(
            item.code, (status, evidence)
        )
    return data


def resubmit(rows) -> dict:
    """The form data a rendered grid posts back as it stands (its GridRows)."""
    data = {}
    for row in rows:
        code = row.item.code
        data |= {
            f"status-{code}": row.status,
            f"evidence-{code}": row.evidence,
            f"version-{code}": row.version,
            f"seen-status-{code}": row.seen_status,
            f"seen-digest-{code}": row.seen_fingerprint,
        }
    return data


def rate(user, answers):
    """answers: {(level, domain): (status, evidence)} applied to every item there."""
    framework = load_framework()
    for (level, domain), (status, evidence) in answers.items():
        entries = [
            Entry(item, status, evidence, 0, "not_assessed", fingerprint(""))
            for item in framework.items[(level, domain)]
        ]
        save_domain(user=user, editor=user, level=level, domain=domain, entries=entries)


def signup_form(first: str, last: str, username: str, **changes) -> dict:
    """What the sign-up form sends for a new midwife, with `changes` (e.g. next=...)."""
    return {
        "first_name": first,
        "last_name": last,
        "username": username,
        "email": f"{username}@example.org",
        "job_role": "midwife",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
        **changes,
    }
