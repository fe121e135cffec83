"""The health probe for the reverse proxy and monitoring (`/healthz/`).

It lives with the project, not in the catalogue: it answers for the whole app (is it up,
does it reach its database), not for any page of the framework or the courses."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@login_not_required
@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For the reverse proxy and monitoring: 200 "ok" when the app answers and reaches
    its database (one query), 503 when the database does not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
