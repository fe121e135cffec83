"""Counting the queries one request costs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url, *, method="get", data=None) -> int:
    """Queries run by one request, which must succeed (200, or 302 after a POST)."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)
