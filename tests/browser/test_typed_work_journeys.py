"""Typed work is never lost, in a real Chromium with axe-core, at desktop and phone
size: a time-out with a one-minute limit between typing and pressing Save, and a tab
closed before saving."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from assessments.models import User
from assessments.security.middleware import LAST_SEEN
from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Reflection written over lunch: the first home visit went well."


def a_minute_passes(context):
    """The session was last seen more than a minute ago (rather than waiting one)."""
    cookie = next(c for c in context.cookies() if "sessionid" in c["name"])
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN] = int(time.time()) - 61
    session.save()


@pytest.mark.parametrize("width", [1280, 375])
def test_pressing_save_after_a_time_out_keeps_what_was_typed(
    page, context, site, settings, width, assert_accessible
):
    settings.IMHCF_SESSION_IDLE_MINUTES = 1
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(username="hana", password=PASSWORD, job_role="health_visitor")
    page.goto(site + "/me/level/1/domain/3/")
    sign_in(page, site, "hana", go=False)
    expect(page.get_by_text("You are signed out after 1 minute without saving")).to_be_visible()
    page.get_by_label("Achieved").check()
    page.get_by_label("Evidence from your practice").fill(NOTE)
    a_minute_passes(context)
    page.get_by_role("button", name="Save Domain 3").click()
    expect(page.get_by_text("What you had typed is kept")).to_be_visible()
    assert_accessible(page)
    sign_in(page, site, "hana", go=False)
    expect(page.get_by_text("What you typed is back below and is not saved yet")).to_be_visible()
    expect(page.get_by_label("Evidence from your practice")).to_have_value(NOTE)
    expect(page.get_by_label("Achieved")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Save Domain 3").click()
    expect(page.get_by_text("Saved 1 item in Domain 3 at Level 1.")).to_be_visible()
    assert User.objects.get(username="hana").ratings.get().evidence == NOTE


def test_a_tab_closed_before_saving_offers_its_draft_back(context, site, assert_accessible):
    UserFactory(username="hana", password=PASSWORD, job_role="health_visitor")
    page = context.new_page()
    page.goto(site + "/me/level/1/domain/3/")
    sign_in(page, site, "hana", go=False)
    page.get_by_label("Working towards").check()
    page.get_by_label("Evidence from your practice").fill(NOTE)
    page.close()  # no Save
    page = context.new_page()
    page.goto(site + "/me/level/1/domain/3/")
    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    assert_accessible(page)
    offer.get_by_role("button", name="Put the draft back").click()
    expect(page.get_by_label("Evidence from your practice")).to_have_value(NOTE)
    expect(page.get_by_label("Working towards")).to_be_checked()
    # Signing out forgets every draft kept in this browser.
    page.get_by_role("button", name="Sign out").click()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('imhcf-draft'))") == []


def test_a_reflection_in_a_closed_tab_is_offered_back(context, site, assert_accessible):
    UserFactory(username="hana", password=PASSWORD, job_role="midwife")
    page = context.new_page()
    page.goto(site + "/me/portfolio/reflections/new/account/")
    sign_in(page, site, "hana", go=False)
    page.get_by_label("What happened?").fill(NOTE)
    page.close()  # no Save
    page = context.new_page()
    page.goto(site + "/me/portfolio/reflections/new/account/")
    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    assert_accessible(page)
    offer.get_by_role("button", name="Put the draft back").click()
    expect(page.get_by_label("What happened?")).to_have_value(NOTE)
