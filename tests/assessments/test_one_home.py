"""Words with one home (issue 21, item 6): level names come from the Level rows, and
status words from Status, on every page that says them."""

from django.urls import reverse

from catalogue.models import Level


def test_the_profile_names_each_target_level_as_the_framework_does(client, alice):
    level = Level.objects.get(number=3)
    level.name = "Shaping services"
    level.save()
    client.force_login(alice)
    page = client.get(reverse("assessments:profile")).content.decode()
    assert "Level 1: Knowing the knowledge base" in page
    assert "Level 3: Shaping services" in page


def test_a_status_nobody_offered_is_refused_in_the_status_words(client, alice):
    client.force_login(alice)
    url = reverse("assessments:grid", args=[1, 3])
    response = client.post(url, {"status-D3": "finished", "evidence-D3": "", "version-D3": "0"})
    words = "Choose one of: not yet assessed, working towards, achieved."
    assert words in response.content.decode()
