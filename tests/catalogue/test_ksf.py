"""The providers' own KSF mappings (seeds 000 and 002, "KSF dimension information"):
fixtures/ksf.json holds, per course, section and group, the counts of statements the
record marks included and not included. Checked against the records themselves, and
shown on each course page with what they do and do not show."""

from pathlib import Path

import pytest
from django.urls import reverse

from catalogue.models import KsfGroup, KsfMapping
from tests.catalogue.ksf_seeds import count_groups

pytestmark = pytest.mark.django_db
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
RECORDS = {
    "glasgow-imh-msc": "000_0694753f98d83ec1.txt",
    "nes-imh-elearning": "002_df493efa244b1bb3.txt",
}


@pytest.mark.parametrize("slug", sorted(RECORDS))
def test_every_groups_counts_are_the_providers_record_counted_again(catalogue, slug):
    seed = SEEDS / RECORDS[slug]
    if not seed.is_file():
        pytest.skip(f"the source records are not beside the project ({seed})")
    stored = {
        (g.section, g.group): [g.included, g.not_included]
        for g in KsfGroup.objects.filter(mapping__course__slug=slug)
    }
    assert stored == count_groups(seed)


def test_the_figures_a_reader_is_told_match_the_seed_audit(catalogue):
    """NES: the informed level, 32 of 150 statements included, spread over all five
    sections. Glasgow: no level named, 15 of 159 included, all in section 1."""
    nes = KsfMapping.objects.get(course__slug="nes-imh-elearning")
    glasgow = KsfMapping.objects.get(course__slug="glasgow-imh-msc")
    assert nes.practice_level == "informed" and glasgow.practice_level == ""
    for mapping, included, total, sections in [
        (nes, 32, 150, {1, 2, 3, 4, 5}),
        (glasgow, 15, 159, {1}),
    ]:
        groups = list(mapping.groups.all())
        assert len(groups) == 46
        assert sum(g.included for g in groups) == included
        assert sum(g.total for g in groups) == total
        assert {g.section for g in groups if g.included} == sections
    assert set(KsfMapping.objects.values_list("course__slug", flat=True)) == {
        "nes-imh-elearning",
        "glasgow-imh-msc",
    }


def test_the_course_page_summarises_the_mapping_with_its_caveat(client, catalogue):
    page = client.get(reverse("catalogue:course_detail", args=["nes-imh-elearning"]))
    body = page.content.decode()
    assert "at the <strong>informed</strong> level" in body
    # 002:40: "informed level" describes the resource, in its Evidence base section.
    assert 'its "Evidence base" section says the resource itself works at the' in body
    assert "the record says the mapping is at" not in body
    assert "1. Child development and attachment</th>\n      <td>13 of 28</td>" in body
    assert "Play: 2 of 3" in body  # a group, in our words
    assert "not to the Infant Mental Health Competencies Framework" in body
    assert "never as coverage by itself" in body
    glasgow = client.get(reverse("catalogue:course_detail", args=["glasgow-imh-msc"]))
    text = glasgow.content.decode()
    assert "the record does not say at which of the framework" in text
    assert "5. Supports and interventions</th>\n      <td>0 of 47</td>" in text
    other = client.get(reverse("catalogue:course_detail", args=["northampton-pgcert"]))
    assert other.status_code == 200
    assert 'data-testid="ksf"' not in other.content.decode()  # its record has no mapping
