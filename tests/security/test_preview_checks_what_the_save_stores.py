"""The staff import's preview applies every check its confirmation's save applies, and
sign-up refuses what the profile form refuses (security review 3, findings 5 and 7). On
PostgreSQL a NUL in a name, or an address of 255-320 characters, passed the preview and
gave a 500 at the confirmation; on both engines control characters reached names. These
run on SQLite and, in CI's second pass, on PostgreSQL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Invite, Team, User
from tests.assessments.helpers import signup_form

pytestmark = pytest.mark.django_db

HEADER = "name,email,job role,team,manager\n"


def address(length: int) -> str:
    """A valid-looking address of exactly `length` characters (labels of at most 63)."""
    local, labels = "a" * 64, []
    left = length - len(local) - 1 - len(".org")
    while left > 0:
        size = min(63, left - 1 if left > 63 else left)
        labels.append("b" * size)
        left -= size + 1
    email = f"{local}@{'.'.join(labels)}.org"
    assert len(email) == length, (len(email), length)
    return email


def preview(client, organisation, row: str):
    url = reverse("assessments:staff_import", args=[organisation.pk])
    upload = SimpleUploadedFile("staff.csv", (HEADER + row + "\n").encode())
    return client.post(url, {"file": upload})


@pytest.mark.parametrize(
    "row, message",
    [
        ("Nul\x00Name,nul@trust-a.example,,North locality,no", "NUL character"),
        ("Bell\x07 Name,bell@trust-a.example,,North locality,no", "name: has an invisible"),
        ("Esc\x1bName,esc@trust-a.example,,North locality,no", "name: has an invisible"),
        (f"Long Address,{address(255)},,North locality,no", "email: longer than 254"),
        (f"Longest Address,{address(320)},,North locality,no", "email: longer than 254"),
        ("Sam Jones,sam@trust-a.example,,North\x0blocality,no", "team: has an invisible"),
        (f"{'N' * 301},long@trust-a.example,,North locality,no", "name: longer than 300"),
        (f"Sam Jones,sam@trust-a.example,,{'T' * 201},no", "team: longer than 200"),
    ],
    ids=["nul", "bell", "escape", "address-255", "address-320", "team-tab", "name-301", "team-201"],
)
def test_the_preview_refuses_by_row_and_field_what_the_save_cannot_store(
    client, team, tess, row, message
):
    client.force_login(tess)
    page = preview(client, team.organisation, row)
    assert page.status_code == 400
    assert message in page.content.decode() and "row 2" in page.content.decode().lower()
    assert not page.context["digest"]  # nothing to confirm
    assert Invite.objects.count() == 0


def test_a_preview_at_every_limit_confirms_and_stores_it_as_given(client, team, tess):
    """300-character name, 254-character address, 200-character new team: all fit."""
    name, email, team_name = "N" * 300, address(254), "T" * 200
    client.force_login(tess)
    page = preview(client, team.organisation, f"{name},{email},,{team_name},no")
    assert page.status_code == 200
    url = reverse("assessments:staff_import_confirm", args=[team.organisation.pk])
    answer = client.post(url, {"digest": page.context["digest"]})
    assert answer.status_code == 302  # saved; on PostgreSQL too
    assert client.get(answer["Location"]).status_code == 200  # the sending page
    invite = Invite.objects.get()
    assert (invite.name, invite.email, invite.team.name) == (name, email, team_name)
    assert Team.objects.filter(name=team_name).exists()


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("bad", ["Ctl\x07Name", "Esc\x1bName", "Tab\tName"])
def test_sign_up_refuses_a_control_character_in_a_name_and_keeps_the_rest(
    client, catalogue, settings, field, bad
):
    settings.IMHCF_SIGNUP_OPEN = True
    form = signup_form("Carol", "Jones", "carol", **{field: bad})
    page = client.post(reverse("account_signup"), form)
    assert page.status_code == 200
    assert "invisible control character" in page.content.decode()
    assert 'value="carol"' in page.content.decode()  # the username typed is kept
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"first_name": "Nul\x00Name"}, "Null characters are not allowed"),
        ({"last_name": "J" * 151}, "at most 150 characters"),
        ({"email": address(255)}, "at most 254 characters"),
    ],
    ids=["nul", "last-name-151", "address-255"],
)
def test_sign_up_refuses_what_the_user_table_cannot_store(
    client, catalogue, settings, changes, message
):
    """Django's form fields already refused these before the review; kept as guards."""
    settings.IMHCF_SIGNUP_OPEN = True
    page = client.post(reverse("account_signup"), signup_form("Carol", "Jones", "carol", **changes))
    assert page.status_code == 200 and message in page.content.decode()
    assert not User.objects.filter(username="carol").exists()
