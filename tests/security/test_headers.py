"""Security headers on every kind of page, and no inline style or script in any
template (the Content Security Policy would block it)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.downloads import _static_file, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if " " in part.strip())


def test_public_private_and_admin_pages_carry_the_content_security_policy(
    client, alice, admin_user
):
    pages = [client.get(reverse("catalogue:home"))]
    client.force_login(alice)
    pages.append(client.get(reverse("assessments:dashboard")))
    client.force_login(admin_user)
    pages.append(client.get("/admin/"))
    for response in pages:
        rules = policy(response)
        assert rules["default-src"] == "'self'"
        assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'"
        assert rules["frame-ancestors"] == "'none'" and rules["object-src"] == "'none'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


# A script element is inline code unless it loads a file (src) or is a JSON data block
# (type="application/json": read by a script, never run; allauth's passkey pages).
INLINE = re.compile(
    r"""\sstyle\s*=|<style|<script(?![^>]*\ssrc=)(?![^>]*\stype=["']application/json["'])"""
    r"""|\son[a-z]+\s*=\s*["']""",
    re.I,
)


def test_no_template_has_inline_style_script_or_event_handlers():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "templates").rglob("*.html")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []


def test_the_pdf_reads_our_stylesheet_from_disk_and_fetches_nothing_else():
    assert _static_file("http://testserver/static/css/print.css").endswith("css/print.css")
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://testserver/static/../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            _static_file(url)
    html = (
        '<link rel="stylesheet" href="/static/css/print.css">'
        '<img src="http://127.0.0.1:9/tracker.png" alt=""><p>Plan</p>'
    )
    assert pdf_bytes(html, "http://testserver/").startswith(b"%PDF")


def test_no_page_answers_trace_and_nothing_outside_static_is_served(client):
    for path in ("/", "/me/", "/admin/", "/accounts/login/"):
        assert client.generic("TRACE", path).status_code == 405
    for path in ("/.git/config", "/static/", "/static/css/", "/pyproject.toml", "/.env"):
        assert client.get(path).status_code == 404
