"""Every form that can be refused says so at the top, the GOV.UK way: a box headed
"There is a problem" that lists each problem once, each linked to its field
(`#id_<field>`), the form's own problems too; and the form comes back with every word
that was typed. Numbers get plain messages ("Enter a budget of £0 or more, like 3000")."""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Membership, TrainingRecord, User
from tests.assessments.helpers import signup_form
from tests.factories import PASSWORD, TrainingLeadFactory, UserFactory, with_authenticator
from tests.security.helpers import prove_again


def summary(html: str) -> str:
    """The error summary's markup; fails when the page has none."""
    found = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert found, "no error summary on the page"
    box = found.group(0)
    assert 'tabindex="-1"' in box and 'role="alert"' in box and "There is a problem" in box
    return box


def links(html: str) -> dict[str, str]:
    """Each summary entry that links to a field: {href: text}."""
    return {
        href: unescape(text)
        for href, text in re.findall(r'<a href="(#[^"]+)">(.*?)</a>', summary(html))
    }


def assert_field_exists(html: str, href: str) -> None:
    assert f'id="{href[1:]}"' in html, f"{href} links to nothing"


def test_sign_up_refused_lists_each_problem_linked_to_its_field_and_keeps_the_words(
    client, catalogue, settings
):
    settings.IMHCF_SIGNUP_OPEN = True
    data = signup_form("Hana", "", "hana", password2="something-else-entirely")
    response = client.post(reverse("account_signup"), data)
    html = response.content.decode()
    found = links(html)
    assert found["#id_last_name"] == "Last name: This field is required."
    assert "#id_password2" in found
    for href in found:
        assert_field_exists(html, href)
    assert 'value="Hana"' in html and 'value="hana@example.org"' in html
    assert User.objects.count() == 0


def test_sign_in_refused_says_so_at_the_top(client, alice):
    html = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    box = summary(html.content.decode())
    assert html.context["form"].non_field_errors()[0] in unescape(box)
    assert 'value="alice"' in html.content.decode()


def test_profile_refused_links_the_name_and_keeps_the_role(client, alice):
    client.force_login(alice)
    data = {"first_name": "Al\x07ice", "last_name": "Smith", "job_role": "midwife"}
    html = client.post(reverse("assessments:profile"), data).content.decode()
    assert "invisible control character" in links(html)["#id_first_name"]
    assert 'value="Smith"' in html
    assert re.search(r'<option value="midwife"[^>]*selected', html)


def test_a_bad_target_level_links_to_its_first_radio(client, alice):
    client.force_login(alice)
    data = {"first_name": "Alice", "last_name": "Smith", "job_role": "midwife"}
    html = client.post(reverse("assessments:profile"), {**data, "chosen_level": "9"})
    html = html.content.decode()
    assert links(html)["#id_chosen_level_0"].startswith("Target level: Select a valid choice")
    assert_field_exists(html, "#id_chosen_level_0")


def test_change_of_email_refused_links_the_address_and_keeps_it(client, alice):
    client.force_login(alice)
    prove_again(client)  # allauth asks who she is again first
    data = {"action_add": "", "email": "alice@nhs"}  # no full stop in the domain
    response = client.post(reverse("account_email"), data)
    assert "email" in response.context["form"].errors
    html = response.content.decode()
    assert_field_exists(html, "#id_email")
    assert 'value="alice@nhs"' in html


def test_password_change_refused_links_the_field_at_fault(client, alice):
    client.force_login(alice)
    prove_again(client)  # allauth asks who she is again first
    data = {"oldpassword": PASSWORD, "password1": "abc-def-ghi-jk", "password2": "abd"}
    html = client.post(reverse("account_change_password"), data).content.decode()
    assert "#id_password2" in links(html)
    assert_field_exists(html, "#id_password2")


def test_a_training_record_refused_lists_every_problem_and_keeps_the_words(client, alice):
    from tests.assessments.test_portfolio import record_post

    client.force_login(alice)
    data = record_post(hours="2", participatory_hours="5", started="2026-06-01", title="")
    html = client.post(reverse("assessments:record_new"), data).content.decode()
    found = links(html)
    assert found["#id_title"] == "Give the training a title, or choose a catalogue course."
    assert any("at most 2" in text for text in found.values())
    for href in found:
        assert_field_exists(html, href)
    assert "Attachment and reflective practice" in html and 'value="Local authority"' in html
    assert not TrainingRecord.objects.exists()


def test_a_reflection_refused_links_its_fields_and_keeps_the_words(client, alice):
    client.force_login(alice)
    data = {
        "template": "general",
        "title": "",
        "happened_on": "2026-02-30",
        "activity": "A study day on attachment, every word of it kept",
    }
    response = client.post(reverse("assessments:reflection_new", args=["account"]), data)
    html = response.content.decode()
    found = links(html)
    assert "#id_title" in found and found["#id_happened_on"].endswith("Enter a valid date.")
    for href in found:
        assert_field_exists(html, href)
    assert "A study day on attachment, every word of it kept" in html


def test_a_refused_upload_shows_the_record_page_with_the_reason_at_the_top(client, alice):
    from tests.assessments.test_portfolio import nes_record

    record = nes_record(alice)
    client.force_login(alice)
    bad = SimpleUploadedFile("notes.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("assessments:record_file", args=[record.pk]), {"upload-file": bad}
    )
    html = response.content.decode()
    assert response.status_code == 200  # the page again, not a redirect that loses it
    found = links(html)
    assert (
        list(found) == ["#id_upload-file"] and "Nothing was stored" not in found["#id_upload-file"]
    )
    assert_field_exists(html, "#id_upload-file")
    assert "Nothing was stored:" in html  # beside the field too
    assert record.files.count() == 0


def test_registration_refused_links_the_date_and_keeps_the_choices(client, alice):
    client.force_login(alice)
    data = {"regulator": "nmc", "renewal_date": "2027-31-03", "notify_dates": "on"}
    html = client.post(reverse("assessments:registration"), data).content.decode()
    assert "Enter a valid date." in links(html)["#id_renewal_date"]
    assert 'value="2027-31-03"' in html
    assert re.search(r'<option value="nmc"[^>]*selected', html)


def test_a_review_with_nothing_in_it_is_listed_at_the_top(client, team, manager, alice):
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.force_login(manager)
    url = reverse("assessments:review", args=[team.pk, alice.pk])
    html = client.post(url, {"comment": ""}).content.decode()
    assert "Write a comment or tick sign-off; nothing was saved." in summary(html)


def test_a_review_too_long_links_the_comment_and_keeps_it(client, team, manager, alice):
    from assessments.models import EVIDENCE_MAX

    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.force_login(manager)
    url = reverse("assessments:review", args=[team.pk, alice.pk])
    comment = "Good joint visits. " * (EVIDENCE_MAX // 19 + 1)
    html = client.post(url, {"comment": comment}).content.decode()
    assert "Ensure this value has at most" in links(html)["#id_comment"]
    assert comment.strip() in html


def test_a_staff_list_with_mistakes_lists_each_row_at_the_top(client, team):
    tess = with_authenticator(UserFactory(username="tess", email="t@trust-a.example"))
    TrainingLeadFactory(organisation=team.organisation, user=tess)
    client.force_login(tess)
    content = (
        b"name,email,job role,team,manager\n"
        b"Sam Jones,sam@trust-a.example,Helth visiter,North locality,no\n"
        b"Ann Lee,ann@trust-a.example,,North locality,maybe\n"
    )
    url = reverse("assessments:staff_import", args=[team.organisation.pk])
    upload = SimpleUploadedFile("staff.csv", io.BytesIO(content).read())
    html = client.post(url, {"file": upload}).content.decode()
    found = re.findall(r'<a href="#id_file">(.*?)</a>', summary(html))
    assert len(found) == 2
    assert unescape(found[0]).startswith("Row 2, job role:")
    assert unescape(found[1]).startswith("Row 3, manager:")
    assert_field_exists(html, "#id_file")


# The plan and team budget pages: their templates are being rewritten; the messages are
# the forms' (shown beside the field as crispy shows every field's), and the summary is
# the include's, shown here with each page's own form.


def include_with(form) -> str:
    return render_to_string("includes/_error_summary.html", {"form": form})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"budget": "-5"}, "budget", "Enter a budget of £0 or more, like 3000"),
        ({"budget": "lots"}, "budget", "Enter the budget as an amount in pounds, like 3000"),
        ({"budget": "12.345"}, "budget", "Enter the budget in pounds and pence, like 2550.50"),
        ({"budget": "123456789"}, "budget", "Enter a budget under £10,000,000, like 3000"),
        ({"time_limit": "-1"}, "time_limit", "Enter a time limit of 0 or more, like 12"),
        ({"time_limit": "soon"}, "time_limit", "Enter the time limit as a number, like 12"),
        (
            {"time_limit": "1.25"},
            "time_limit",
            "Enter the time limit with one decimal place at most, like 1.5",
        ),
        ({"time_limit": "123456"}, "time_limit", "Enter a time limit under 100,000, like 12"),
        ({"time_unit": "years"}, "time_unit", "Choose months, weeks or hours"),
        (
            {"objective": "best"},
            "objective",
            "Choose the lowest cost, the least time or the fewest courses",
        ),
    ],
)
def test_the_plan_limits_say_each_bad_value_plainly(data, field, message):
    from assessments.plans.forms import PlanForm

    form = PlanForm(data)
    assert form.errors == {field: [message]}
    anchor = "#id_objective_0" if field == "objective" else f"#id_{field}"
    assert links(include_with(form)) == {anchor: message}
    typed = next(iter(data.values()))
    assert f'value="{typed}"' in str(form[field]) or field in ("objective", "time_unit")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"budget": "-100"}, "budget", "Enter a budget of £0 or more, like 3000"),
        ({"budget": "a lot"}, "budget", "Enter the budget as an amount in pounds, like 3000"),
        ({"budget": "3000.999"}, "budget", "Enter the budget in pounds and pence, like 2550.50"),
        ({"budget": "1234567890"}, "budget", "Enter a budget under £100,000,000, like 3000"),
        ({"level": "4"}, "level", "Choose Level 1, 2 or 3"),
        ({"who": "anyone"}, "who", "Choose whom to fund places for from the list"),
    ],
)
def test_the_team_budget_says_each_bad_value_plainly(data, field, message):
    from django.http import QueryDict

    from assessments.teams.forms import TeamBudgetForm

    query = QueryDict(mutable=True)
    query.update(data)
    form = TeamBudgetForm(query)
    assert form.errors == {field: [message]}
    assert links(include_with(form)) == {f"#id_{field}": message}


def test_the_plan_page_shows_the_summary_itself(client, alice):
    client.force_login(alice)
    html = client.get(reverse("assessments:plan"), {"budget": "-5"}).content.decode()
    assert links(html) == {"#id_budget": "Enter a budget of £0 or more, like 3000"}


def test_the_team_budget_page_shows_the_summary_itself(client, team, manager):
    client.force_login(manager)
    url = reverse("assessments:team_budget", args=[team.pk])
    html = client.get(url, {"budget": "-5"}).content.decode()
    assert links(html) == {"#id_budget": "Enter a budget of £0 or more, like 3000"}


def test_a_form_without_errors_shows_no_summary(client, alice):
    client.force_login(alice)
    assert "There is a problem" not in client.get(reverse("assessments:profile")).content.decode()
    assert include_with(None).strip() == ""
