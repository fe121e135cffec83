"""What the browser journeys do again and again: sign in (with the code from the
authenticator app when the person has one) and sign up."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

from tests.factories import PASSWORD

# Seconds before a code changes within which app_code waits for the next one.
CODE_MARGIN_SECONDS = 4


def app_code(authenticator: Authenticator | str) -> str:
    """The code an authenticator app shows now, for an allauth TOTP authenticator (as
    tests.factories.with_authenticator gives: `person.totp`) or its base32 secret."""
    if isinstance(authenticator, Authenticator):
        secret = decrypt(authenticator.data["secret"])
    else:
        secret = authenticator.replace(" ", "")
    # allauth accepts the current code only: one about to change would be stale by the
    # time the server checks it, so wait for the next (as a person would).
    period = mfa_settings.TOTP_PERIOD
    if (left := period - time.time() % period) < CODE_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def give_code(page, authenticator: Authenticator | str) -> None:
    """The code page after the password (/accounts/2fa/authenticate/)."""
    page.get_by_label("Code").fill(app_code(authenticator))
    page.get_by_role("button", name="Continue", exact=True).click()


def sign_in(page, site, username, *, password=PASSWORD, authenticator=None, go=True):
    """Sign in on the sign-in page (`go=False`: the page already shows it); then, for
    a person with an authenticator app, give its code (`authenticator`: an allauth
    TOTP Authenticator or its secret)."""
    if go:
        page.goto(site + "/accounts/login/")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if authenticator is not None:
        give_code(page, authenticator)


def sign_up(page, first, last, username, *, role="health_visitor"):
    """Fill in and send the sign-up form shown on the page."""
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Job role").select_option(role)
    page.locator("#id_password1").fill("a-long-pass-phrase")
    page.locator("#id_password2").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Create my account").click()


# What does not fit a phone (run on the page as it stands, at its viewport):
# - "wide": a box whose content is wider than it (cut, or scrolled sideways), or an
#   element running past the screen's right edge; except inside scroll boxes marked
#   data-scrolls-sideways (the team heat map: 63 columns by design);
# - "small": a target under 24 px either way (WCAG 2.2 2.5.8), except links inside
#   running text (the inline exception) and the visually hidden;
# - "phone": on a narrow screen, a radio or checkbox whose clickable area (with its
#   label) or a standalone link under 44 px tall (NHS service manual). A standalone
#   link is an `a` or `button` whose parent block says nothing more than it does.
PHONE_PROBLEMS = """() => {
  const problems = [];
  const narrow = window.innerWidth < 576;
  const name = (e) => {
    const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim();
    const classes = typeof e.className === "string" ? e.className.trim().split(/\\s+/) : [];
    const tag = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "");
    return `${tag}${classes.filter(Boolean).map((c) => "." + c).join("")} "${text.slice(0, 40)}"`;
  };
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && s.display !== "none" &&
      !e.closest("[hidden], .visually-hidden, .visually-hidden-focusable:not(:focus)") &&
      !e.closest("details:not([open]) > :not(summary)") &&
      !(narrow && e.closest(".table-stack > thead"));  // clipped: read by screen readers only
  };
  const block = (e) => {
    let p = e.parentElement;
    while (p && getComputedStyle(p).display.startsWith("inline")) p = p.parentElement;
    return p;
  };
  const words = (e) => (e.innerText || e.textContent || "").replace(/\\s+/g, " ").trim();
  const standalone = (e) => {
    const parent = block(e);
    return !parent || words(parent).length <= words(e).length;
  };
  const boxes = "main *, header *, footer *";
  for (const e of document.querySelectorAll(boxes)) {
    if (!shown(e) || e.closest("[data-scrolls-sideways]") || e.tagName === "svg") continue;
    const s = getComputedStyle(e);
    if (["auto", "scroll", "hidden", "clip"].includes(s.overflowX)) {
      if (e.scrollWidth > e.clientWidth + 1) {  // cut, or to be scrolled sideways
        problems.push(`wide: ${name(e)} shows ${e.clientWidth} of ${e.scrollWidth} px`);
      }
    } else if (e.getBoundingClientRect().right > window.innerWidth + 1 &&
               !e.parentElement.closest("[data-scrolls-sideways], .table-responsive")) {
      problems.push(`wide: ${name(e)} runs past the screen's right edge`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`wide: the page is ${document.documentElement.scrollWidth} px wide`);
  }
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const e of document.querySelectorAll(targets)) {
    if (!shown(e) || e.closest("[data-scrolls-sideways]")) continue;
    const r = e.getBoundingClientRect();
    const inline = (e.tagName === "A" || e.tagName === "SUMMARY") && !standalone(e);
    const box = e.type === "checkbox" || e.type === "radio";
    if (!inline && (r.height < 23.5 || r.width < 23.5)) {
      problems.push(`small: ${name(e)} is ${Math.round(r.width)} x ${Math.round(r.height)} px`);
    }
    if (!narrow) continue;
    if (box) {
      const label = e.id && document.querySelector(`label[for="${e.id}"]`);
      const area = (label || e).closest(".form-check") || label || e;
      const h = Math.max(area.getBoundingClientRect().height, r.height);
      if (h < 43.5) problems.push(`phone: ${name(e)} and its label are ${Math.round(h)} px tall`);
    } else if ((e.tagName === "A" || e.tagName === "BUTTON") && !inline && standalone(e) &&
               !e.classList.contains("btn") || (e.classList.contains("btn-link"))) {
      if (r.height < 43.5) problems.push(`phone: ${name(e)} is ${Math.round(r.height)} px tall`);
    }
  }
  return problems;
}"""


def phone_problems(page) -> list[str]:
    """What on the page does not fit a phone or is too small to touch (see PHONE_PROBLEMS)."""
    return page.evaluate(PHONE_PROBLEMS)
