"""A visitor in a real Chromium: browse the framework, search it, filter the
courses, open one; every page scanned with axe-core (WCAG 2.2 AA and best practice)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_the_framework_and_finds_a_competency_by_searching(
    page, site, assert_accessible
):
    page.goto(site + "/")
    expect(page).to_have_title("Infant mental health competencies – IMHCF self-assessment")
    assert_accessible(page)

    page.get_by_role("link", name="Browse the framework").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Infant Mental Health Competencies"
    )
    expect(page.get_by_test_id("completeness")).to_contain_text(
        "the wording of 1 of 63 competencies"
    )
    assert_accessible(page)

    page.get_by_label("Search the framework").fill("communicat")
    page.get_by_label("Search the framework").press("Enter")
    expect(page.get_by_test_id("search-summary")).to_contain_text("1 competency")
    assert_accessible(page)

    page.get_by_role("link", name="1.07").click()
    expect(page).to_have_url(re.compile(r"/framework/1\.07/$"))
    expect(
        page.get_by_text("observe, understand and communicate effectively with infants")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Domain 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Domain 1: Relationship-based practice"
    )
    assert_accessible(page)


def test_punctuation_only_search_shows_a_message_not_an_error(page, site, assert_accessible):
    page.goto(site + "/framework/?q=%3F%21")
    expect(page.get_by_text("punctuation alone matches nothing")).to_be_visible()
    assert_accessible(page)


def test_visitor_filters_courses_sorts_them_and_opens_one(page, site, assert_accessible):
    page.goto(site + "/courses/")
    expect(page.get_by_test_id("result-count")).to_have_text("4 courses")
    assert_accessible(page)

    page.get_by_label("Covers level").select_option("2")
    page.get_by_label("Sort by").select_option("cost")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 courses match your filters")
    rows = page.locator("tbody th[scope=row] a")
    expect(rows).to_have_text(  # £2,550 before the £5,000 PGCert: a rate is not a price
        [
            "Postgraduate Certificate in Advanced Practice in Infant Mental Health and Wellbeing",
            "Infant Mental Health (MSc)",
        ]
    )

    page.get_by_label("Maximum cost (£)").fill("lots")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Enter a number.")).to_be_visible()
    expect(page.get_by_label("Maximum cost (£)")).to_have_value("lots")  # kept, not wiped
    expect(page.get_by_test_id("result-count")).to_have_text("2 courses match your filters")
    assert_accessible(page)

    page.get_by_role("link", name="Postgraduate Certificate in Advanced Practice").click()
    expect(page.get_by_test_id("fees")).to_contain_text("£2,550")
    expect(page.get_by_test_id("coverage")).to_contain_text("structure of an infant's brain")
    assert_accessible(page)


def test_free_filter_needs_only_a_keyboard(page, site):
    page.goto(site + "/courses/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_label("Price").focus()
    page.keyboard.press("ArrowDown")  # Any -> Free only
    page.get_by_role("button", name="Apply filters").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("result-count")).to_have_text("1 course matches your filters")


@pytest.mark.parametrize(
    "path",
    [
        "/courses/glasgow-imh-msc/",
        "/courses/warwick-imhol/",
        "/framework/domain/6/",
        "/glossary/",
        "/accessibility/",
        "/framework/9.99/",
        "/accounts/login/",
    ],
)
def test_other_pages_pass_axe(page, site, assert_accessible, path):
    page.goto(site + path)
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_course_pages_ksf_mapping_passes_axe_and_fits_a_phone(
    page, site, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/courses/nes-imh-elearning/")
    expect(page.get_by_test_id("ksf")).to_contain_text("13 of 28")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_content_security_policy_blocks_inline_style_and_script(page, site):
    """What the policy is for: markup slipped into a page cannot style or run anything,
    and the browser reports it (the check every journey ends with relies on that)."""
    page.goto(site + "/")
    page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.setAttribute("style", "color: red");
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.append(p, s);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.__ran") is None
    violations = page.evaluate("window.__cspViolations")
    assert any(v.startswith("style-src") for v in violations)
    assert any(v.startswith("script-src") for v in violations)
