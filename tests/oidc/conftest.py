# The provider's fixtures for the tests in this folder (tests/conftest.py may import them
# for the whole suite; then this file can go).
from tests.oidc.fixtures import oidc_provider, oidc_providers, start_oidc  # noqa: F401
