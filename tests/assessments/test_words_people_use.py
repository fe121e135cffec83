"""Words people use (issue 20, item 8): a person is named by their name, menus show
only what the person has, the demo reads as a real trust, an invitation survives every
way to sign up, and small figures read as what they are."""

import datetime
import io
import zipfile
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Membership, Reflection, Registration, TrainingLead, TrainingRecord
from assessments.portfolio import packs
from assessments.portfolio.files import megabytes
from assessments.teams import services as team_services
from catalogue.models import Course
from tests.factories import UserFactory
from tests.prepared import prepared_download

User = get_user_model()


def test_the_header_names_the_person_not_the_username(client, alice, bob):
    alice.first_name, alice.last_name = "Alice", "Hughes"
    alice.save()
    client.force_login(alice)
    html = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Alice Hughes" in html and "Signed in as alice<" not in html
    client.force_login(bob)  # no name given: the username, the only name there is
    html = client.get(reverse("assessments:dashboard")).content.decode()
    assert '<span class="visually-hidden">Signed in as </span>bob</span>' in html


def test_a_practitioner_never_sees_teams_i_manage(client, alice):
    client.force_login(alice)
    assert "Teams I manage" not in client.get(reverse("assessments:dashboard")).content.decode()


def test_joining_as_a_manager_shows_the_teams_menu_at_once(client, team, alice):
    made = team_services.create_invite(team=team, manager=alice, role="manager")
    carol = UserFactory(username="carol")
    client.force_login(carol)
    assert client.post(reverse("join", args=[made.token])).status_code == 302
    assert Membership.objects.get(user=carol).role == Membership.Role.MANAGER
    assert "Teams I manage" in client.get(reverse("assessments:profile")).content.decode()


def test_the_site_admin_lands_on_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("assessments:start"))["Location"] == reverse("admin:index")


def test_the_join_pages_header_sign_up_and_sign_in_keep_the_invitation(
    client, team, alice, settings
):
    settings.IMHCF_SIGNUP_OPEN = False  # the invitation opens sign-up by itself
    made = team_services.create_invite(team=team, manager=alice)
    link = reverse("join", args=[made.token])
    html = client.get(link).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert f'href="{reverse("account_signup")}?next={link}"' in header
    assert f'href="{reverse("account_login")}?next={link}"' in header


def test_small_files_never_read_as_nothing():
    assert megabytes(0) == "0 MB"
    assert megabytes(300) == "1 kB"
    assert megabytes(52_000) == "51 kB"
    assert megabytes(600 * 1024) == "0.6 MB"
    assert megabytes(3 * 1024 * 1024) == "3.0 MB"


def test_the_training_records_csv_names_the_course_by_its_title(client, alice):
    nes = Course.objects.get(slug="nes-imh-elearning")
    TrainingRecord.objects.create(
        user=alice, course=nes, title="NES", finished=datetime.date(2026, 3, 5), hours=3
    )
    client.force_login(alice)
    archive = zipfile.ZipFile(io.BytesIO(prepared_download(client, "assessments:export_zip").body))
    rows = archive.read("training-records.csv").decode()
    assert nes.title in rows and "nes-imh-elearning" not in rows


def test_the_cpd_log_gives_the_code_from_the_reflection_when_the_record_has_none(alice):
    Registration.objects.create(
        user=alice, regulator="nmc", renewal_date=datetime.date(2027, 3, 31)
    )
    told = TrainingRecord.objects.create(
        user=alice, title="Study day", finished=datetime.date(2026, 3, 5), hours=Decimal(6)
    )
    TrainingRecord.objects.create(
        user=alice, title="Ward update", finished=datetime.date(2026, 4, 5), hours=Decimal(2)
    )
    Reflection.objects.create(
        user=alice,
        kind="account",
        template="nmc",
        title="What the study day changed",
        happened_on=datetime.date(2026, 3, 6),
        record=told,
        activity="A study day",
        code_themes=["effective", "people"],
    )
    html = render_to_string("assessments/portfolio/pack_print.html", packs.build(alice))
    study_day = html[html.index("<strong>Study day") :]
    study_day = study_day[: study_day.index("</tr>")]
    assert "Practise effectively; Prioritise people (from its reflection)" in study_day
    ward = html[html.index("<strong>Ward update") :]
    assert "<td>–</td>" in ward[: ward.index("</tr>")]  # truly none


def test_the_demo_has_one_training_lead_a_site_admin_and_a_team_with_figures(
    catalogue, settings, client
):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert printed.count("Training lead") == 1 and "Site admin" in printed
    for username in ("lead", "alice", "bob", "mina", "tess"):  # sign-ins tests rely on
        assert f"username {username}" in printed
    tess = User.objects.get(username="tess")
    lead = TrainingLead.objects.get()
    assert lead.user == tess and not User.objects.get(username="lead").leads.exists()
    team = Membership.objects.get(user__username="alice").team
    assert Membership.objects.filter(team=team, role="member").count() >= 3
    client.force_login(tess)
    html = client.get(reverse("assessments:organisation", args=[team.organisation.pk]))
    assert "fewer than 3 members" not in html.content.decode().split("Add a team")[0]
