"""A training lead imports staff: every problem named by row and field and nothing
written; a preview before anything is written; all or nothing; invitations e-mailed
(through Django's in-memory backend and a real SMTP server on loopback); the same file
again changes nothing; an invitation is for the address it was sent to."""

import io

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import FailedTask, Invite, Membership, Team, User
from tests.assessments.helpers import signup_form
from tests.factories import UserFactory
from tests.mail import free_port, loopback_smtp

HEADER = "name,email,job role,team,manager\n"


def staff_csv(rows: int, teams=("North locality", "Baby room"), start=0) -> bytes:
    lines = [
        f"Person {i},person{i}@trust-a.example,Health visitor,{teams[i % len(teams)]},"
        f"{'yes' if i == start else 'no'}"
        for i in range(start, start + rows)
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


def upload(client, organisation, content: bytes, name="staff.csv"):
    url = reverse("assessments:staff_import", args=[organisation.pk])
    return client.post(url, {"file": io.BytesIO(content) and _named(content, name)})


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def confirm(client, organisation, preview):
    """Confirm the previewed import; its e-mails go once the request's transaction
    commits (here, in-process: no broker is configured). Returns the sending page."""
    url = reverse("assessments:staff_import_confirm", args=[organisation.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(url, {"digest": preview.context["digest"]})
    assert done.status_code == 302
    return client.get(done["Location"])


def test_a_file_with_problems_names_each_row_and_field_and_writes_nothing(client, team, tess):
    bad = (
        HEADER + "Sam Jones,sam@trust-a.example,Health visitor,North locality,no\n"
        ",nobody@trust-a.example,Health visitor,North locality,no\n"
        "Ann Lee,not-an-address,Nursery nurse,,maybe\n"
        "Sam Again,SAM@trust-a.example,,north locality,no\n"
    ).encode()
    client.force_login(tess)
    page = upload(client, team.organisation, bad)
    assert page.status_code == 400
    text = page.content.decode()
    for expected in [
        "Row 3, name: empty",
        "Row 4, email: “not-an-address” is not an e-mail address",
        "Row 4, job role: “Nursery nurse” is not one of ours",
        "Row 4, team: empty",
        "Row 4, manager: “maybe” is neither yes nor no",
        "Row 5, email: SAM@trust-a.example is already on row 2 for the same team",
        "Nothing was imported",
    ]:
        assert expected in text, expected
    assert 'aria-describedby="file-help file-errors"' in text  # beside the field
    assert Invite.objects.count() == 0 and Team.objects.count() == 1
    assert "imhcf_staff_import" not in client.session


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"name,email\nSam,sam@x.example\n", "staff.csv", "no column named job role, team"),
        (b"\xff\xfe\x00bad", "staff.csv", "not UTF-8 text"),
        (b"PK\x03\x04 not a workbook", "staff.xlsx", "not a readable XLSX workbook"),
        (HEADER.encode(), "staff.csv", "the file has its header but nobody under it"),
        (b"anything", "staff.txt", "Use a .csv or .xlsx file."),
    ],
)
def test_a_bad_file_gets_a_clear_message(client, team, tess, content, name, message):
    client.force_login(tess)
    page = upload(client, team.organisation, content, name)
    assert page.status_code == 400 and message in page.content.decode()
    assert Invite.objects.count() == 0


def test_forty_staff_are_previewed_then_invited_and_the_same_file_again_changes_nothing(
    client, team, tess
):
    client.force_login(tess)
    content = staff_csv(40)
    preview = upload(client, team.organisation, content)
    assert preview.status_code == 200
    assert Invite.objects.count() == 0 and Team.objects.count() == 1  # nothing written yet
    plan = preview.content.decode()
    assert "40 rows: 40 invitations to e-mail, 1 new team to make" in plan
    done = confirm(client, team.organisation, preview)
    assert done.status_code == 200
    text = done.content.decode()
    assert "All 40 invitations e-mailed." in text and "1 new team (Baby room)." in text
    assert Invite.objects.filter(email__endswith="@trust-a.example").count() == 40
    assert Invite.objects.filter(role=Membership.Role.MANAGER).count() == 1
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Baby room", "North locality"]
    assert len(mail.outbox) == 40
    message = mail.outbox[0]
    assert message.to == ["person0@trust-a.example"]
    assert "Invitation to join North locality (Trust A)" == message.subject
    assert "as one of its managers" in message.body and "/join/" in message.body
    again = upload(client, team.organisation, content)
    assert "40 rows: 0 invitations to e-mail, 40 rows needing nothing" in again.content.decode()
    assert "already invited on" in again.content.decode()
    assert Invite.objects.count() == 40 and len(mail.outbox) == 40


def test_a_stale_or_foreign_preview_is_refused(client, team, tess):
    client.force_login(tess)
    preview = upload(client, team.organisation, staff_csv(2))
    url = reverse("assessments:staff_import_confirm", args=[team.organisation.pk])
    refused = client.post(url, {"digest": "not-the-one"}, follow=True)
    assert "That preview is no longer current" in refused.content.decode()
    assert Invite.objects.count() == 0
    assert confirm(client, team.organisation, preview).status_code == 200
    assert Invite.objects.count() == 2


def test_an_import_invitation_is_accepted_only_by_its_address_and_makes_the_role(
    client, team, tess, settings
):
    settings.IMHCF_SIGNUP_OPEN = False  # invited people sign up even when it is closed
    client.force_login(tess)
    confirm(client, team.organisation, upload(client, team.organisation, staff_csv(1)))
    invite = Invite.objects.get()
    link = reverse("join", args=[invite.token])
    client.logout()
    page = client.get(link).content.decode()
    assert "as one of its managers" in page and "person0@trust-a.example" in page
    signup = client.get(reverse("account_signup"), {"next": link})
    assert signup.status_code == 200
    form = signup.context["form"]
    assert form["email"].value() == "person0@trust-a.example"
    assert form["first_name"].value() == "Person" and form["job_role"].value() == "health_visitor"
    data = signup_form("Person", "0", "person0", email="someone.else@example.org", next=link)
    wrong = client.post(reverse("account_signup"), data)
    assert "This invitation was sent to person0@trust-a.example" in wrong.content.decode()
    assert not User.objects.filter(username="person0").exists()
    data["email"] = "Person0@Trust-A.example"
    assert client.post(reverse("account_signup"), data).status_code == 302
    client.post(link)
    membership = Membership.objects.get(user__username="person0")
    assert membership.team == team and membership.role == Membership.Role.MANAGER
    # Someone else holding a forwarded link cannot use it.
    other = Invite.objects.create(
        team=team, email="x@trust-a.example", expires_at=invite.expires_at
    )
    client.force_login(UserFactory(username="mallory", email="m@example.org"))
    answer = client.post(reverse("join", args=[other.token]), follow=True)
    assert "This invitation was sent to x@trust-a.example" in answer.content.decode()
    assert not Membership.objects.filter(user__username="mallory").exists()


def test_the_templates_download_with_the_columns_and_the_job_roles(client, team, tess):
    client.force_login(tess)
    base = reverse("assessments:staff_import_template", args=[team.organisation.pk, "csv"])
    text = client.get(base).content.decode()
    assert text.startswith("name,email,job role,team,manager")
    xlsx = client.get(base.replace(".csv", ".xlsx"))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in book["staff"][1]] == ["name", "email", "job role", "team", "manager"]
    assert "Health visitor" in [row[0].value for row in book["job roles"].iter_rows()]


def test_an_xlsx_staff_list_imports_as_a_csv_does(client, team, tess):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Job_role", "Team", "Manager"])
    sheet.append(["Ann Lee", "ann@trust-a.example", "midwife", "North locality", "No"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(tess)
    preview = upload(client, team.organisation, out.getvalue(), "staff.xlsx")
    assert "1 row: 1 invitation to e-mail" in preview.content.decode()


def test_a_lead_changes_roles_and_takes_people_off_a_team(client, team, alice, manager, tess):
    client.force_login(tess)
    people = client.get(reverse("assessments:people", args=[team.pk])).content.decode()
    assert "Make a manager" in people and "Take off the team" in people
    url = reverse("assessments:change_person", args=[team.pk, alice.pk])
    client.post(url, {"action": "manager"})
    assert Membership.objects.get(team=team, user=alice).role == Membership.Role.MANAGER
    client.post(url, {"action": "remove"})
    assert not Membership.objects.filter(team=team, user=alice).exists()
    assert User.objects.filter(pk=alice.pk).exists()  # her account and assessment stay
    client.force_login(manager)  # a manager does not change who is on the team
    assert client.get(reverse("assessments:people", args=[team.pk])).status_code == 404


def test_a_lead_adds_a_team_and_invites_its_manager(client, team, tess):
    client.force_login(tess)
    url = reverse("assessments:new_team", args=[team.organisation.pk])
    made = client.post(url, {"name": "  East   locality "})
    east = Team.objects.get(name="East locality")
    assert made["Location"] == reverse("assessments:people", args=[east.pk])
    twice = client.post(url, {"name": "east locality"}, follow=True)
    assert "Trust A already has a team called east locality." in twice.content.decode()
    client.post(reverse("assessments:invite", args=[east.pk]), {"role": "manager"})
    assert Invite.objects.get(team=east).role == Membership.Role.MANAGER


def test_a_manager_can_only_invite_members(client, team, manager):
    client.force_login(manager)
    client.post(reverse("assessments:invite", args=[team.pk]), {"role": "manager"})
    assert Invite.objects.get(team=team).role == Membership.Role.MEMBER


def test_invitations_go_out_through_a_real_smtp_server(client, team, tess, settings):
    with loopback_smtp(settings) as (received, sessions):
        client.force_login(tess)
        done = confirm(client, team.organisation, upload(client, team.organisation, staff_csv(3)))
        assert "All 3 invitations e-mailed." in done.content.decode()
    assert sorted(e.rcpt_tos[0] for e in received) == [
        f"person{i}@trust-a.example" for i in range(3)
    ]
    assert b"Invitation to join" in received[0].content
    assert len(sessions) == 1  # one connection for the lot, not one per person


def test_an_invitation_the_mail_server_refuses_is_kept_with_its_link(client, team, tess, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        free_port(),
        False,
    )
    client.force_login(tess)
    done = confirm(client, team.organisation, upload(client, team.organisation, staff_csv(2)))
    text = done.content.decode()
    assert "0 of 2 invitations e-mailed; sending stopped" in text
    assert "2 invitations not e-mailed" in text and text.count("/join/") == 2
    assert Invite.objects.count() == 2  # saved all the same
    assert FailedTask.objects.get().name == "assessments.tasks.invitations.send_batch"
