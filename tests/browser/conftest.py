import pytest
from axe_playwright_python.sync_playwright import Axe

from catalogue.loading import load_catalogue


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the shipped catalogue; returns its base URL."""
    load_catalogue()
    return live_server.url


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Scan the page as it stands with axe-core; any violation fails with axe's report."""

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check
