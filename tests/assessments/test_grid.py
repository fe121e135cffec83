"""The grid: saving a domain, keeping every word, conflicts, history, query counts."""

import pytest
from django.urls import reverse

from assessments.models import Rating, RatingChange
from assessments.ratings.progress import ratings_by_key
from tests.assessments.helpers import grid_post, rate, resubmit
from tests.factories import build_full_framework
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def url(level, domain):
    return reverse("assessments:grid", args=[level, domain])


def test_a_domain_without_full_wording_is_assessed_as_a_whole(client, alice):
    client.force_login(alice)
    page = client.get(url(1, 1)).content.decode()
    assert "assessed as a whole at Level 1" in page
    assert 'name="status-D1"' in page
    assert "observe, understand and communicate effectively with infants" in page  # guidance


def test_our_summary_of_1_01_is_marked_on_the_grid_and_the_framework_words_are_not(client, alice):
    client.force_login(alice)
    page = client.get(url(1, 1)).content.decode()
    line = page[page.index("<strong>1.01</strong>") :]
    line = line[: line.index("</li>")]
    assert "our summary, not the framework's words" in line
    quoted = page[page.index("<strong>1.07</strong>") :]
    assert "our summary" not in quoted[: quoted.index("</li>")]


def test_saving_records_status_evidence_and_who_changed_it(client, alice):
    client.force_login(alice)
    data = grid_post(alice, 1, 3, {"D3": ("achieved", "Talked through a father's history.")})

    response = client.post(url(1, 3), data, follow=True)

    assert "Saved 1 item in Domain 3 at Level 1." in response.content.decode()
    rating = Rating.objects.get(user=alice, level=1, domain=3)
    assert (rating.status, rating.evidence, rating.version) == (
        "achieved",
        "Talked through a father's history.",
        1,
    )
    change = RatingChange.objects.get(rating=rating)
    assert (change.changed_by, change.old_status, change.new_status) == (
        alice,
        "not_assessed",
        "achieved",
    )


def test_every_later_change_is_kept_in_history(client, alice):
    client.force_login(alice)
    client.post(url(1, 3), grid_post(alice, 1, 3, {"D3": ("working_towards", "first")}))
    client.post(url(1, 3), grid_post(alice, 1, 3, {"D3": ("achieved", "second")}))
    changes = RatingChange.objects.filter(rating__user=alice).order_by("pk")
    assert [(c.old_evidence, c.new_evidence) for c in changes] == [
        ("", "first"),
        ("first", "second"),
    ]
    page = client.get(reverse("assessments:history")).content.decode()
    assert "first" in page and "second" in page


def test_invalid_row_saves_nothing_and_keeps_every_word(client, alice):
    build_full_framework()
    client.force_login(alice)
    long_text = "x" * 4001
    data = grid_post(
        alice,
        1,
        2,
        {"2.01": ("achieved", "Words I must not lose."), "2.02": ("achieved", long_text)},
    )

    response = client.post(url(1, 2), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "Evidence can be up to 4,000 characters; this has 4,001." in page
    assert "Words I must not lose." in page
    assert long_text in page
    assert not Rating.objects.filter(user=alice).exists()


def test_a_status_that_is_not_offered_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(url(1, 4), grid_post(alice, 1, 4, {"D4": ("expert", "")}))
    assert (
        "Choose one of: not yet assessed, working towards, achieved." in response.content.decode()
    )
    assert not Rating.objects.exists()


def test_second_save_from_a_stale_page_is_a_conflict_showing_both_versions(client, alice):
    client.force_login(alice)
    opened = ratings_by_key(alice, level=1, domain=5)  # two tabs open the page
    client.post(
        url(1, 5),
        grid_post(alice, 1, 5, {"D5": ("achieved", "Tab one's words.")}, stale_from=opened),
    )

    response = client.post(
        url(1, 5),
        grid_post(alice, 1, 5, {"D5": ("working_towards", "Tab two's words.")}, stale_from=opened),
    )

    page = response.content.decode()
    assert "changed elsewhere since you opened this page" in page
    assert "Tab one&#x27;s words." in page  # the saved version
    assert "Tab two&#x27;s words." in page  # yours, still in the form
    rating = Rating.objects.get(user=alice, level=1, domain=5)
    assert rating.evidence == "Tab one's words."  # nothing overwritten silently

    # Saving the re-rendered form again is a deliberate choice of "mine".
    retry = {k: v for k, v in grid_post(alice, 1, 5).items()}
    retry.update({"status-D5": "working_towards", "evidence-D5": "Tab two's words."})
    client.post(url(1, 5), retry)
    assert Rating.objects.get(pk=rating.pk).evidence == "Tab two's words."
    assert RatingChange.objects.filter(rating=rating).count() == 2


def test_a_stale_copy_of_an_item_not_edited_does_not_conflict(client, alice):
    build_full_framework()
    client.force_login(alice)
    opened = ratings_by_key(alice, level=1, domain=2)
    client.post(url(1, 2), grid_post(alice, 1, 2, {"2.01": ("achieved", "A")}, stale_from=opened))
    response = client.post(
        url(1, 2),
        grid_post(alice, 1, 2, {"2.02": ("achieved", "B")}, stale_from=opened),
        follow=True,
    )
    assert "changed elsewhere" not in response.content.decode()
    saved = dict(Rating.objects.filter(user=alice).values_list("competency__code", "evidence"))
    assert saved == {"2.01": "A", "2.02": "B"}


def test_unknown_level_or_domain_is_404(client, alice):
    client.force_login(alice)
    assert client.get(url(4, 1)).status_code == 404
    assert client.get(url(1, 8)).status_code == 404


def test_grid_queries_stay_within_seven_and_do_not_grow_with_ratings_or_files(client, alice):
    """Seven: the sixth reads the ratings, the seventh the files on the items."""
    from assessments.models import EvidenceFile
    from catalogue.models import Competency

    build_full_framework()
    client.force_login(alice)
    empty = count_queries(client, url(3, 1))
    every = {f"1.{n:02d}": ("achieved", f"Evidence {n}") for n in range(1, 11)}
    client.post(url(3, 1), grid_post(alice, 3, 1, every))
    for competency in Competency.objects.filter(domain__number=1)[:5]:
        EvidenceFile.objects.create(
            owner=alice, level=3, domain=1, competency=competency, name="note.pdf", size=1,
            content_type="application/pdf", file="evidence/note.pdf",
        )  # fmt: skip
    full = count_queries(client, url(3, 1))
    assert empty == full <= 7


def test_saving_a_domain_costs_at_most_ten_queries_for_one_row_or_all(client, alice):
    """Eleven on PostgreSQL, which first locks the person (ratings.services)."""
    from django.db import connection

    most = 11 if connection.vendor == "postgresql" else 10
    build_full_framework()
    client.force_login(alice)
    one = count_queries(
        client, url(2, 1), method="post", data=grid_post(alice, 2, 1, {"1.01": ("achieved", "a")})
    )
    every = {f"1.{n:02d}": ("working_towards", f"b {n}") for n in range(1, 11)}
    all_rows = count_queries(client, url(2, 1), method="post", data=grid_post(alice, 2, 1, every))
    assert one <= most and all_rows <= most
    assert Rating.objects.filter(user=alice, level=2).count() == 10
    assert RatingChange.objects.filter(rating__user=alice).count() == 11


def test_after_importing_wording_the_domain_switches_to_competencies_and_keeps_history(
    client, alice
):
    client.force_login(alice)
    client.post(url(1, 2), grid_post(alice, 1, 2, {"D2": ("achieved", "Whole-domain answer.")}))
    build_full_framework()
    page = client.get(url(1, 2)).content.decode()
    assert 'name="status-2.01"' in page and 'name="status-D2"' not in page
    history = client.get(reverse("assessments:history")).content.decode()
    assert "Whole-domain answer." in history


def test_a_conflict_can_take_the_saved_version_without_losing_other_typing(client, alice):
    build_full_framework()
    client.force_login(alice)
    opened = ratings_by_key(alice, level=1, domain=1)
    client.post(
        url(1, 1),
        grid_post(alice, 1, 1, {"1.01": ("achieved", "Phone's words.")}, stale_from=opened),
    )
    mine = {"1.01": ("working_towards", "Laptop's words."), "1.02": ("achieved", "Also mine.")}
    conflict = client.post(url(1, 1), grid_post(alice, 1, 1, mine, stale_from=opened))
    assert "Use the saved version instead" in conflict.content.decode()
    # The form as re-rendered, with the person choosing the saved version of 1.01.
    data = resubmit(conflict.context["rows"])
    taken = client.post(url(1, 1), {**data, "use_saved": "1.01"})
    page = taken.content.decode()
    assert "That item now shows the saved version. Nothing was saved" in page
    shown = {row.item.code: row for row in taken.context["rows"]}
    assert shown["1.01"].evidence == "Phone's words." and shown["1.02"].evidence == "Also mine."
    assert Rating.objects.get(user=alice, competency__code="1.01").evidence == "Phone's words."


def test_after_the_wording_import_a_domains_answer_is_the_starting_point(
    client, alice, team, manager
):
    """Importing the wording must not silently reset progress: the practitioner and the
    manager are told, the old answer is offered for every competency, and confirming it
    is one Save, with every step in the history."""
    rate(alice, {(1, 1): ("achieved", "Joint visits every week.")})
    build_full_framework()
    client.force_login(alice)
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert "The framework's wording has been added" in dashboard
    assert "rated as a whole: achieved, to confirm" in dashboard
    grid = client.get(url(1, 1))
    body = grid.content.decode()
    assert "You rated this domain as a whole before its wording was added: achieved" in body
    rows = grid.context["rows"]
    assert len(rows) == 10 and all(row.status == "achieved" for row in rows)
    assert not Rating.objects.filter(user=alice, competency__isnull=False).exists()  # offered
    client.force_login(manager)
    report = client.get(reverse("assessments:team_report", args=[team.pk]), {"level": "1"})
    assert "1 member had achieved it as a whole" in report.content.decode()
    client.force_login(alice)
    client.post(url(1, 1), resubmit(rows))
    assert (
        Rating.objects.filter(user=alice, status="achieved", competency__isnull=False).count() == 10
    )
    assert RatingChange.objects.filter(rating__user=alice).count() == 11  # whole, then each
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert "10 of 10 achieved" in dashboard and 'data-testid="awaiting"' not in dashboard
