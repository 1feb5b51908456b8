"""Keyset pagination for the API's newest-first lists.

A page ends with a `next` link carrying `before=<cursor>`, the position of the page's last row
as "<microseconds since the epoch>.<id>" ("null.<id>" for a conversation with no message yet).
Following it returns the rows after that one in the list's order, so rows that arrive while a
client pages through never shift or repeat what it has already seen. `count` always counts
every row that matches the filters, whatever the cursor."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import F, Model, Q, QuerySet
from rest_framework.request import Request

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    at: datetime | None
    pk: int

    def encode(self) -> str:
        at = "null" if self.at is None else str((self.at - EPOCH) // MICROSECOND)
        return f"{at}.{self.pk}"

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        """Raises ValueError for anything that is not a cursor this module wrote."""
        at, sep, pk = value.partition(".")
        if not sep or not pk.isdigit():
            raise ValueError(value)
        if at == "null":
            return cls(None, int(pk))
        if not at.lstrip("-").isdigit():
            raise ValueError(value)
        return cls(EPOCH + int(at) * MICROSECOND, int(pk))


@dataclass
class Page:
    count: int
    items: list[Any]
    next: str | None


def after(cursor: Cursor, field: str) -> Q:
    """Rows that come after `cursor` in (`field` descending with nulls last, id descending) order."""
    if cursor.at is None:
        return Q(**{f"{field}__isnull": True, "pk__lt": cursor.pk})
    return (
        Q(**{f"{field}__lt": cursor.at})
        | Q(**{field: cursor.at, "pk__lt": cursor.pk})
        | Q(**{f"{field}__isnull": True})
    )


def paginate(
    request: Request, queryset: QuerySet, *, field: str, limit: int, before: Cursor | None
) -> Page:
    """One page of `queryset`, newest `field` first, in two queries (plus its prefetches)."""
    total = queryset.count()
    # nulls_last only where NULLs can occur: on a NOT NULL column it would keep PostgreSQL from
    # reading the DESC index (which sorts NULLs first) and make it sort the whole table.
    nullable = queryset.model._meta.get_field(field).null
    ordered = queryset.order_by(F(field).desc(nulls_last=True) if nullable else F(field).desc(), "-pk")
    if before is not None:
        ordered = ordered.filter(after(before, field))
    rows = list(ordered[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(count=total, items=rows, next=_next_link(request, rows[-1], field) if more else None)


def _next_link(request: Request, last: Model, field: str) -> str:
    query = request.query_params.copy()
    query["before"] = Cursor(getattr(last, field), last.pk).encode()
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
