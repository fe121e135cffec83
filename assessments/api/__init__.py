"""The JSON API for signed-in people (/api/v1/): the same `access` helpers and services
as the pages, with serializers in place of templates."""
