"""What the browser journeys do again and again: sign in (with the code from the
authenticator app when the person has one) and sign up."""

from django_otp.oath import TOTP

PASSWORD = "x-pass-12345"


def sign_in(page, site, username, *, password=PASSWORD, device=None, go=True):
    """Sign in on the sign-in page (`go=False`: the page already shows it)."""
    if go:
        page.goto(site + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Code").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Continue").click()


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
