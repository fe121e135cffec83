"""What every API call is held to, whoever sends it: a body no bigger than
IMHCF_API_MAX_BODY, JSON only, and an answer in JSON even for a path that does not exist
or a server failure, so a program never has to read an HTML page.

Django's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE) guards `request.body`; REST framework's
parsers read the stream instead and never meet it, hence the parser here."""

from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def max_body() -> int:
    return int(settings.IMHCF_API_MAX_BODY)


class LimitedJSONParser(JSONParser):
    """JSON, refused with 413 beyond IMHCF_API_MAX_BODY bytes before a byte of it is read
    (the length the client declares), or once more than that has been read (a client
    that declared less or none)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = max_body()
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = TooLarge(f"The body is larger than {limit:,} bytes: send fewer rows at a time.")
        try:
            if declared and int(declared) > limit:
                raise too_large
        except ValueError:
            raise ParseError("The Content-Length header is not a number.") from None
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise too_large
        if not body:
            raise ParseError("The body is empty: send a JSON object.")
        try:
            return super().parse(BytesIO(body), media_type, parser_context)
        except RecursionError:  # brackets nested thousands deep: the parser gives up
            raise ParseError("JSON parse error - nested too deep.") from None


@login_not_required
def not_found(request: HttpRequest) -> JsonResponse:
    """Any path under /api/ that is not an endpoint: 404 in JSON, pointing at the
    description of the ones there are."""
    return JsonResponse(
        {
            "detail": "There is no such endpoint.",
            "endpoints": request.build_absolute_uri("/api/v1/schema/"),
        },
        status=404,
    )


def wants_json(request: HttpRequest) -> bool:
    """Whether the request is an API call, so its error is answered in JSON."""
    return request.path.startswith("/api/")


def json_error(status_code: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status_code)
