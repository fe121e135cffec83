"""A save the server could not finish because the database was unreachable loses
nothing: in a real Chromium, the grid's Save answered with the app's own 503 page
(status, headers and body from assessments.security.unavailable), then Back, and the
typed text is offered back and saves once the database answers again.

The live server shares the test's SQLite connection, so the outage itself is simulated
at the browser's edge (Playwright answers that one POST with the real 503 response);
the server side of an outage, with a really unreachable database, is
tests/security/test_database_down.py."""

import pytest
from playwright.sync_api import Route, expect

from assessments.models import User
from assessments.security.unavailable import unavailable_response
from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Talked a father through his own early years before the first visit."
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('imhcf-draft:'))"


def answer_the_save_with_503(route: Route) -> None:
    if route.request.method != "POST":
        route.continue_()
        return
    down = unavailable_response()
    route.fulfill(
        status=down.status_code,
        headers={name: value for name, value in down.items()},
        body=down.content,
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_a_save_that_met_the_database_down_keeps_what_was_typed(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(username="hana", password=PASSWORD, job_role="health_visitor")
    grid = site + "/me/level/1/domain/3/"
    page.goto(grid)
    sign_in(page, site, "hana", go=False)
    page.get_by_label("Achieved").check()
    page.get_by_label("Evidence from your practice").fill(NOTE)

    page.route(grid, answer_the_save_with_503)
    page.get_by_role("button", name="Save Domain 3").click()
    expect(page.get_by_role("heading", name="The service is briefly unavailable")).to_be_visible()
    expect(page.get_by_text("What you typed in your assessment")).to_be_visible()
    assert_accessible(page)
    assert len(page.evaluate(DRAFTS)) == 1
    page.unroute(grid)

    # Back: Chromium puts the typed text back in the form itself; nothing to offer.
    page.go_back()
    expect(page.get_by_label("Evidence from your practice")).to_have_value(NOTE)
    expect(page.locator("#draft-offer")).to_be_hidden()
    # Opening the page afresh (a link, another day): the saved page, and the draft offered.
    page.goto(grid)
    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    expect(page.get_by_label("Evidence from your practice")).to_have_value("")
    assert_accessible(page)
    offer.get_by_role("button", name="Put the draft back").click()
    expect(page.get_by_label("Evidence from your practice")).to_have_value(NOTE)
    expect(page.get_by_label("Achieved")).to_be_checked()
    page.get_by_role("button", name="Save Domain 3").click()
    expect(page.get_by_text("Saved 1 item in Domain 3 at Level 1.")).to_be_visible()
    assert User.objects.get(username="hana").ratings.get().evidence == NOTE
    # Saved: the draft is gone, and the page does not offer it again.
    assert page.evaluate(DRAFTS) == []
    page.goto(grid)
    expect(page.get_by_label("Evidence from your practice")).to_have_value(NOTE)
    expect(page.locator("#draft-offer")).to_be_hidden()
