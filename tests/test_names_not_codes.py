"""People read names, not codes: no page a person reads prints a bare item code ("D3",
or "1.07" without its heading), or the words "seed", "loaded" or "by design". Checked
on the rendered pages, with the full wording imported and ratings of every kind."""

import html
import re

import pytest
from django.urls import reverse

from assessments.models import Membership
from catalogue.models import Wording
from tests.assessments.helpers import rate
from tests.factories import build_full_framework

pytestmark = pytest.mark.django_db

BARE_DOMAIN_CODE = re.compile(r"\bD[1-9]\b")
BARE_COMPETENCY_CODE = re.compile(r"(?<!\()\b[1-7]\.\d\d\b(?!\s+[A-Z(])")  # "name (1.07)" is fine
DEVELOPER_WORDS = re.compile(r"\b(seed|seeds|loaded|by design)\b", re.I)
# Where a code is the subject itself: the framework's sources, and the search box's hint.
ALLOWED = re.compile(r"1\.01 to 1\.10|gist of 1\.01|or 1\.07")


def visible_text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style|title)\b.*?</\1>", " ", body, flags=re.S)
    # The heat map's 63 column headers are codes by necessity; the key beneath it
    # ("What each column is", checked below) names every one of them.
    body = re.sub(r'(data-testid="heatmap".*?)<thead>.*?</thead>', r"\1", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def problems(text: str) -> list[str]:
    text = ALLOWED.sub("", text)
    found = []
    for pattern in (BARE_DOMAIN_CODE, BARE_COMPETENCY_CODE, DEVELOPER_WORDS):
        for match in pattern.finditer(text):
            found.append(text[max(0, match.start() - 40) : match.end() + 40])
    return found


@pytest.mark.parametrize("wording", ["shipped", "full"])
def test_no_page_prints_a_bare_code_or_a_developer_word(client, alice, bob, team, manager, wording):
    if wording == "full":
        build_full_framework()
        # The placeholder wording names its code ("Knowledge for 1.07."); real wording
        # does not, and this test is about what the app itself prints.
        Wording.objects.update(knowledge="What to know.", ability="What to do.")
    rate(alice, {(1, 1): ("achieved", "Joint visits."), (1, 3): ("working_towards", "Notes.")})
    rate(alice, {(2, 2): ("achieved", "Development checks.")})
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    public = [
        "/",
        "/framework/",
        "/framework/domain/1/",
        "/framework/1.07/",
        "/courses/",
        "/courses/glasgow-imh-msc/",
        "/courses/grades/",
        "/glossary/",
    ]
    mine = [
        "/me/",
        "/me/history/",
        "/me/gaps/",
        "/me/plan/?budget=3000",
        "/me/plan/print/",
        "/me/level/1/domain/1/",
        "/me/profile/",
    ]
    teams = [
        f"/me/teams/{team.pk}/",
        f"/me/teams/{team.pk}/?level=1&domain=1",
        f"/me/teams/{team.pk}/plan/",
        f"/me/teams/{team.pk}/budget/",
        f"/me/teams/{team.pk}/members/{alice.pk}/",
    ]
    found = {}
    for path in public:
        found[path] = problems(visible_text(client.get(path)))
    client.force_login(alice)
    for path in mine:
        found[path] = problems(visible_text(client.get(path)))
    client.force_login(manager)
    for path in teams:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = problems(visible_text(response))
    client.force_login(manager)
    report = client.get(teams[0]).content.decode()
    key = report[report.index('data-testid="column-key"') :]
    assert "Relationship-based practice" in key or "Collaborative working" in key
    bad = [f"{path}: …{hit}…" for path, hits in found.items() for hit in hits]
    assert not bad, "\n".join(bad)
    assert reverse("assessments:dashboard") in mine[0]
