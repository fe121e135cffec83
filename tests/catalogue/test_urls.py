"""Every public catalogue page opens for an anonymous visitor and fills its own
title; a new URL fails here until it is given an example address."""

import re

import pytest

from catalogue import urls

EXAMPLES = {
    "home": ("/", "Infant mental health competencies"),
    "framework": ("/framework/", "The framework"),
    "domain_detail": ("/framework/domain/1/", "Domain 1: Relationship-based practice"),
    "competency_detail": ("/framework/1.07/", "1.07"),
    "course_list": ("/courses/", "Courses"),
    "course_detail": ("/courses/nes-imh-elearning/", "Infant Mental Health: Developing Positive"),
    "glossary": ("/glossary/", "Glossary"),
    "grades": ("/courses/grades/", "How coverage links are graded"),
    "accessibility": ("/accessibility/", "Accessibility statement"),
}


NOT_PAGES: set[str] = set()  # the health probe is the project's (imhcf/urls.py), not here


def test_every_catalogue_url_has_an_example():
    assert {p.name for p in urls.urlpatterns} == EXAMPLES.keys() | NOT_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_public_page_opens_anonymously_with_its_own_title(client, catalogue, name):
    url, title = EXAMPLES[name]
    response = client.get(url)
    assert response.status_code == 200
    shown = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert shown.startswith(title)
    assert shown.endswith(" – IMHCF self-assessment")
