"""A real OpenID Connect provider on loopback for the sign-in tests: panva's oidc-provider
(tests/oidc/provider.mjs, on Node), one process per provider, each on a free port and
kept for the test session.

    provider = start_oidc(redirect_uri)              # mode="good"
    provider.issuer, provider.client_id, provider.client_secret
    provider.variant("bad-signature")                # same client, another process and issuer
    provider.variant("multi-tenant", tenant="t-1")   # Entra ID's multi-tenant answers

`oidc_provider` is the provider for allauth's callback on the live server
(`{live_server.url}/accounts/oidc/work/login/callback/`). Without `node` or
tests/oidc/node_modules (`make oidc`) the tests that use these skip, or fail when
IMHCF_NO_SKIPS=1.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CALLBACK_PATH = "/accounts/oidc/work/login/callback/"
MODES = ("good", "bad-signature", "wrong-issuer", "multi-tenant")
START_TIMEOUT = 5.0  # seconds; it answers in well under one

# The people the provider knows. Sign in by typing the e-mail address as "Account".
ACCOUNTS = [
    {
        "sub": "nurse-0001",
        "email": "nurse@trust.nhs.uk",
        "email_verified": True,
        "given_name": "Ana",
        "family_name": "Nurse",
        "name": "Ana Nurse",
    },
    {
        "sub": "other-0002",
        "email": "other@trust.nhs.uk",
        "email_verified": True,
        "given_name": "Olu",
        "family_name": "Other",
        "name": "Olu Other",
    },
    {
        "sub": "unverified-0003",
        "email": "unverified@trust.nhs.uk",
        "email_verified": False,
        "given_name": "Uma",
        "family_name": "Unverified",
        "name": "Uma Unverified",
    },
    {
        "sub": "someone-0004",
        "email": "someone@gmail.com",
        "email_verified": True,
        "given_name": "Sam",
        "family_name": "Someone",
        "name": "Sam Someone",
    },
]


@dataclass(frozen=True)
class OIDCProvider:
    """One running provider: its issuer (also its base URL) and its one client. Shared
    by the tests of a session, so it cannot be changed."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    mode: str
    _start: Callable[..., OIDCProvider] = field(repr=False)
    _process: subprocess.Popen[bytes] = field(repr=False)
    log: Path = field(repr=False)
    tenant: str | None = None  # mode "multi-tenant": the tid (and issuer path) of its tokens

    @property
    def url(self) -> str:
        return self.issuer

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def variant(self, mode: str, *, tenant: str | None = None) -> OIDCProvider:
        """The provider with the same client and redirect URI in `mode` ("good",
        "bad-signature", "wrong-issuer", "multi-tenant" with its `tenant`): another
        process, with its own port and issuer."""
        return self._start(
            self.redirect_uri,
            mode=mode,
            client_id=self.client_id,
            client_secret=self.client_secret,
            tenant=tenant,
        )

    def social_app_settings(self) -> dict[str, object]:
        """`SocialApp.settings` for allauth's openid_connect provider; PKCE must be on,
        since this provider refuses an authorization request without it."""
        return {"server_url": self.issuer, "oauth_pkce_enabled": True}

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def skip_or_fail(reason: str) -> None:
    """Skip, except with IMHCF_NO_SKIPS=1, where every test must really run."""
    if os.environ.get("IMHCF_NO_SKIPS") == "1":
        pytest.fail(f"{reason} (IMHCF_NO_SKIPS=1: no test may skip)")
    pytest.skip(reason)


def node_or_skip() -> str:
    """The path of `node`, when it and the provider's packages are installed."""
    node = shutil.which("node")
    if node is None:
        skip_or_fail("the OpenID Connect tests need Node.js (`node` is not on PATH)")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        skip_or_fail("the OpenID Connect tests need tests/oidc/node_modules: run `make oidc`")
    assert node is not None
    return node


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Providers:
    """The providers started in this test session, one per (redirect URI, mode, client);
    asking again for the same one returns the running process."""

    def __init__(self, node: str, folder: Path) -> None:
        self.node = node
        self.folder = folder
        self.accounts = folder / "accounts.json"
        self.accounts.write_text(json.dumps(ACCOUNTS))
        self.running: dict[tuple[str, str, str, str | None, str | None], OIDCProvider] = {}

    def start(
        self,
        redirect_uri: str,
        mode: str = "good",
        *,
        client_id: str = "imhcf-test",
        client_secret: str | None = None,
        tenant: str | None = None,
    ) -> OIDCProvider:
        """The provider for this redirect URI in `mode` ("good", "bad-signature",
        "wrong-issuer", or "multi-tenant" with the `tenant` its tokens name), started
        if need be; it answers discovery when this returns."""
        assert mode in MODES, f"mode must be one of {MODES}"
        assert (mode == "multi-tenant") == bool(tenant), "a tenant goes with multi-tenant"
        key = (redirect_uri, mode, client_id, client_secret, tenant)
        provider = self.running.get(key)
        if provider is None or provider._process.poll() is not None:
            provider = self.running[key] = self._launch(
                redirect_uri,
                mode,
                client_id,
                client_secret or secrets.token_urlsafe(24),
                tenant,
            )
        return provider

    def _launch(self, redirect_uri, mode, client_id, client_secret, tenant) -> OIDCProvider:
        for _attempt in range(3):  # another process may take the free port first
            port = _free_port()
            issuer = f"http://127.0.0.1:{port}"
            log = self.folder / f"provider-{port}-{mode}.log"
            options = {
                "port": port,
                "issuer": issuer,
                "redirect-uri": redirect_uri,
                "mode": mode,
                "client-id": client_id,
                "client-secret": client_secret,
                "accounts": self.accounts,
            }
            if tenant:
                options["tenant"] = tenant
            # --name=value: a random secret starts with "-" one time in 64, and
            # node's parseArgs then takes it for an option of its own.
            command = [self.node, str(HERE / "provider.mjs")]
            command += [f"--{name}={value}" for name, value in options.items()]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
            provider = OIDCProvider(
                issuer,
                client_id,
                client_secret,
                redirect_uri,
                mode,
                self.start,
                process,
                log,
                tenant=tenant,
            )
            deadline = time.monotonic() + START_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                if _answers(provider.discovery_url):
                    return provider
                time.sleep(0.05)
            provider.stop()
            if "EADDRINUSE" not in log.read_text():
                break
        pytest.fail(f"the OpenID Connect provider did not start:\n{log.read_text()}")

    def stop_all(self) -> None:
        for provider in self.running.values():
            provider.stop()


@pytest.fixture(scope="session")
def oidc_providers(tmp_path_factory) -> Iterator[Providers]:
    """The session's providers (each start costs about a second, so they are kept)."""
    providers = Providers(node_or_skip(), tmp_path_factory.mktemp("oidc"))
    yield providers
    providers.stop_all()


@pytest.fixture
def start_oidc(oidc_providers) -> Callable[..., OIDCProvider]:
    """start_oidc(redirect_uri, mode="good") -> the running provider for that client and mode
    (started on first use, stopped at the end of the session)."""
    return oidc_providers.start


@pytest.fixture
def oidc_provider(start_oidc, live_server) -> OIDCProvider:
    """A provider (mode "good") whose client redirects to allauth's callback for the
    openid_connect app with provider_id "work" on the live server."""
    return start_oidc(f"{live_server.url}{CALLBACK_PATH}")
