"""Dashboard, gaps, plan, PDF, exports, profile: what a practitioner sees."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.items import load_framework
from assessments.models import Rating, RatingChange, User
from tests.assessments.helpers import rate
from tests.factories import build_full_framework
from tests.queries import count_queries
from tests.security.helpers import prove_again

pytestmark = pytest.mark.django_db


def all_achieved_except(user, *gaps, up_to=2):
    rate(
        user,
        {
            (level, domain): ("achieved", "")
            for level in range(1, up_to + 1)
            for domain in range(1, 8)
            if (level, domain) not in gaps
        },
    )


def text(response):
    return response.content.decode()


def test_dashboard_shows_progress_as_text_and_picture(client, alice):
    rate(alice, {(1, 1): ("achieved", "x"), (1, 2): ("working_towards", "y")})
    client.force_login(alice)
    page = text(client.get(reverse("assessments:dashboard")))
    assert "up to <strong>Level 2</strong> (your role: health visitor)" in page
    assert 'role="img" aria-label="1 of 1 achieved, 0 working towards"' in page
    assert "Level 1 counts as complete when every item at Level 1 is achieved. 6 items" in page
    assert "Level 1 · Domain 2: Normal and atypical development" in page


def test_a_level_counts_only_when_it_and_every_lower_level_are_achieved(client, alice):
    rate(alice, {(2, d): ("achieved", "") for d in range(1, 8)})
    client.force_login(alice)
    page = text(client.get(reverse("assessments:dashboard")))
    assert "No level is complete yet." in page
    all_achieved_except(alice, up_to=1)
    page = text(client.get(reverse("assessments:dashboard")))
    assert "You have completed <strong>Level 2</strong>." in page


def test_changes_since_a_date_shows_only_later_changes(client, alice):
    rate(alice, {(1, 1): ("achieved", "old news")})
    RatingChange.objects.update(changed_at=timezone.now() - timedelta(days=400))
    rate(alice, {(1, 3): ("achieved", "fresh")})
    client.force_login(alice)
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    page = text(client.get(reverse("assessments:dashboard"), {"since": since}))
    assert "fresh" in page and "old news" not in page
    bad = client.get(reverse("assessments:dashboard"), {"since": "last spring"})
    assert bad.status_code == 200 and "Enter a valid date." in text(bad)


def test_gaps_list_matched_courses_with_reasons_and_what_none_covers(client, alice):
    all_achieved_except(alice, (1, 4), (2, 7))
    client.force_login(alice)
    page = text(client.get(reverse("assessments:gaps")))
    assert "You have 2 gaps up to Level 2" in page
    assert (
        "One of the course&#x27;s stated objectives: be developing the skills to identify "
        "infant mental health problems." in page
    )
    # No shipped link closes Level 1 Domain 4: said once, with the reason, and no "0".
    assert "No listed course closes any of your gaps." in page
    assert "a gap closes when you can show the competence in your practice" in page.lower()
    assert "closes</strong> 0" not in page and "Closes 0" not in page
    assert "Courses teach 1 of them in part or name them as a topic" in page
    # Each course is worded by how strongly it teaches the gap, strongest first.
    assert (
        "Infant Mental Health (MSc) (taught in part); Infant Mental Health: Developing "
        "Positive Early Attachments (taught in part); Infant Mental Health Online (IMHOL) "
        "(named as a topic)" in page
    )
    assert "PGCert: £2,550 / not published" not in page  # Northampton does not cover D4
    assert "MSc: £15,000 / £11,130" in page
    assert "Level 2: Domain 7: Working within" in page  # nothing covers it
    # Where to start: the free module, and what it teaches.
    start = page[page.index('data-testid="answer"') :]
    assert "Where to start" in start
    assert "Taught in part:</span> Level 1, Domain 4: Assessment of caregiving" in start


def test_plan_buys_one_module_rather_than_a_degree(client, alice):
    all_achieved_except(alice, (2, 5))
    client.force_login(alice)
    page = text(client.get(reverse("assessments:plan")))
    assert "Module Infant Mental Health Intervention Training (20 credits)" in page
    # Not a published price: the page says how it was worked out, and on what assumption.
    assert (
        "Worked out from the published rate of £1,667 per 20 credits. The provider does not "
        "publish a price for this module alone"
    ) in page
    assert "£1,667 (includes 1 price worked out from a per-credit rate)" in page
    nhs = text(client.get(reverse("assessments:plan"), {"nhs": "on"}))
    assert "£1,237 (includes 1 price worked out from a per-credit rate)" in nhs
    assert "published rate of £1,237 per 20 credits" in nhs
    quick = text(client.get(reverse("assessments:plan"), {"objective": "time"}))
    complete = quick[quick.index('data-testid="plan"') :]
    complete = complete[: complete.index("</table>")]
    # The most complete plan teaches Level 2 Domain 5 as strongly as any course does (in
    # an optional module, not only as a named topic); a module's time is not published,
    # so the quickest such plan is the PGDip with that option.
    assert "PGDip (120 credits), choosing Infant Mental Health Intervention Training" in complete
    assert "University of Northampton" not in complete


def test_a_module_the_rate_does_not_price_is_not_published(client, alice):
    """Seed 000 gives £1,667 per 20 credits; a 10-credit module alone has no price."""
    all_achieved_except(alice, (2, 6))
    client.force_login(alice)
    page = text(client.get(reverse("assessments:plan")))
    unpriced = page[page.index('data-testid="unpriced"') :]
    assert "Module Reflective Practice (10 credits)" in unpriced
    assert "between £834 (in proportion) and £1,667 (whole blocks)" in unpriced
    # With no price for the module, the cheapest priced way to it is the PGDip.
    complete = page[page.index('data-testid="plan"') :]
    assert "PGDip (120 credits)" in complete
    assert "Reflective Practice (10 credits)" not in complete[: complete.index("</table>")]


def test_plan_prefers_the_free_course(client, alice):
    all_achieved_except(alice, (1, 7))
    client.force_login(alice)
    page = text(client.get(reverse("assessments:plan")))
    assert "Infant Mental Health: Developing Positive Early Attachments" in page
    assert '<td data-testid="plan-total" data-label="Fee">Free<span' in page


def test_plan_pdf_has_the_plan_in_it(client, alice):
    all_achieved_except(alice, (2, 5))
    Rating.objects.filter(user=alice, level=1, domain=1).update(evidence="Ran joint visits.")
    client.force_login(alice)
    response = client.get(reverse("assessments:plan_pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Infant mental health development plan" in pdf
    assert "target Level 2" in pdf
    flat = " ".join(pdf.split())  # table cells wrap in the PDF
    assert "Module Infant Mental Health Intervention Training" in flat and "£1,667" in flat
    assert "Worked out from the published rate of £1,667 per 20 credits" in flat
    assert "Ran joint visits." in flat
    # The appraiser reads names, not codes.
    assert "Level 1 · Domain 1: Relationship-based practice (Achieved)" in flat
    # Tagged for screen readers, in British English.
    root = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"


def test_printable_plan_is_a_page_of_its_own(client, alice):
    client.force_login(alice)
    page = text(client.get(reverse("assessments:plan_print")))
    assert "<title>Development plan – alice – IMHCF self-assessment</title>" in page


def test_profile_role_suggests_a_level_and_a_choice_overrides_it(client, alice):
    client.force_login(alice)
    client.post(reverse("assessments:profile"), {"job_role": "psychotherapist", "chosen_level": ""})
    assert User.objects.get(pk=alice.pk).target_level == 3
    client.post(
        reverse("assessments:profile"), {"job_role": "psychotherapist", "chosen_level": "1"}
    )
    assert User.objects.get(pk=alice.pk).target_level == 1


def test_exports_hold_everything_and_neutralise_formulas(client, alice):
    rate(alice, {(1, 1): ("achieved", '=HYPERLINK("x")')})
    client.force_login(alice)
    data = json.loads(client.get(reverse("assessments:export_json")).content)
    assert data["profile"]["job_role"] == "health_visitor"
    assert data["ratings"][0]["evidence"] == '=HYPERLINK("x")'
    assert data["history"][0]["new_status"] == "achieved"
    assert data["ratings"][0]["item_name"] == "Domain 1: Relationship-based practice"
    rows = list(csv.reader(io.StringIO(text(client.get(reverse("assessments:export_csv"))))))
    assert rows[1][4] == '\'=HYPERLINK("x")'
    # Labels a person reads, as in the managers' exports.
    assert rows[1][:4] == [
        "Rating",
        "1",
        "Domain 1: Relationship-based practice",
        "Achieved",
    ]


def test_deleting_the_account_needs_the_password_and_removes_everything(client, alice):
    rate(alice, {(1, 1): ("achieved", "mine")})
    client.force_login(alice)
    # Who she is is asked again first (allauth), and a wrong password deletes nothing.
    asked = client.post(reverse("assessments:delete_account"))
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    wrong = client.post(reverse("account_reauthenticate"), {"password": "nope"})
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    assert User.objects.filter(pk=alice.pk).exists()
    prove_again(client)
    client.post(reverse("assessments:delete_account"))
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Rating.objects.exists() and not RatingChange.objects.exists()


# Every page: session, user, domains, competencies (items.load_framework). Then:
# dashboard: ratings, recent changes, the latest reviews, the registration (its dates);
# gaps and plan: ratings, and the offers (coverage with course, fees, modules).
QUERIES = {"dashboard": 8, "gaps": 8, "plan": 8}


@pytest.mark.parametrize(("name", "ceiling"), QUERIES.items())
def test_page_queries_are_pinned_and_do_not_grow(client, alice, name, ceiling):
    build_full_framework()
    client.force_login(alice)
    url = reverse(f"assessments:{name}")
    before = count_queries(client, url)
    rate(alice, {(level, d): ("working_towards", "e") for level in (1, 2, 3) for d in range(1, 8)})
    after = count_queries(client, url)
    assert before == after == ceiling


def test_the_frameworks_two_word_counts_agree(catalogue):
    """Domain counts are made twice on purpose: in SQL for the public pages
    (Domain.objects.with_counts) and in Python for the assessment pages, where the
    aggregate costs more than the page (items.load_framework). They must agree, before
    and after the full wording is loaded."""
    from catalogue.models import Domain

    def counts(domains):
        return [(d.competency_count, d.worded_1, d.worded_2, d.worded_3) for d in domains]

    for _ in range(2):
        assert counts(load_framework().domains) == counts(Domain.objects.with_counts())
        build_full_framework()
    assert counts(load_framework().domains)[0] == (10, 10, 10, 10)


def test_every_page_that_speaks_of_privacy_says_the_same_true_thing(client, alice, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    statement = (
        "The managers of a team you join, your organisation's training leads, and the site's "
        "admins, can see your"
    )
    signup = client.get(reverse("account_signup")).content.decode()
    client.force_login(alice)
    pages = [signup] + [
        client.get(reverse(f"assessments:{name}")).content.decode()
        for name in ("dashboard", "profile")
    ]
    for page in pages:
        assert statement in page
        assert "Only you can see" not in page and "visible only to you" not in page


def test_a_managers_sign_off_reaches_the_dashboard_and_the_appraisal_pdf(
    client, alice, team, manager
):
    from assessments.models import Review

    Review.objects.create(
        team=team, member=alice, manager=manager, comment="Strong joint working.", signed_off=True
    )
    client.force_login(alice)
    dashboard = text(client.get(reverse("assessments:dashboard")))
    assert "From your manager" in dashboard and "Strong joint working." in dashboard
    response = client.get(reverse("assessments:plan_pdf"))
    pdf = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Manager's review" in pdf and "Signed off by" in pdf
    assert "Strong joint working." in pdf


def test_a_domain_rated_as_a_whole_reads_as_its_status_and_the_plan_links_courses(client, alice):
    rate(alice, {(1, 1): ("achieved", ""), (1, 2): ("working_towards", "")})
    client.force_login(alice)
    page = text(client.get(reverse("assessments:dashboard")))
    assert "</span>achieved</a>" in page and "</span>working towards</a>" in page
    assert "0 of 1 achieved</a>" not in page  # not "0 of 1" for a domain rated as a whole
    assert 'class="bar-working pct-100"' in page  # working towards shows in the bar too
    plan = text(client.get(reverse("assessments:plan")))
    assert 'href="/courses/nes-imh-elearning/">Infant Mental Health: Developing' in plan
