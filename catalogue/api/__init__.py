"""The public JSON API (/api/v1/): the framework and the course catalogue, read-only and
open to anyone, over the same QuerySet methods as the pages (same query counts)."""
