import pytest
from axe_playwright_python.sync_playwright import Axe


@pytest.fixture
def site(live_server, transactional_db, catalogue):
    """The live site with the shipped catalogue; returns its base URL."""
    return live_server.url


@pytest.fixture(scope="session")
def axe():
    return Axe()


# Records every Content Security Policy violation the page reports (a blocked inline
# style or script, a resource from elsewhere); pages must have none.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def context(context):
    context.add_init_script(RECORD_CSP)
    return context


@pytest.fixture
def assert_accessible(axe):
    """Scan the page as it stands with axe-core; any violation fails with axe's report.
    Also fails on any Content Security Policy violation the page has reported."""

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("window.__cspViolations || []") == []

    return check
