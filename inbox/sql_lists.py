"""The value lists of the hand-written queries, for PostgreSQL and SQLite alike."""

from collections.abc import Collection


def placeholders(values: Collection) -> str:
    """One parameter per value, for `column IN (...)`; `values` must not be empty."""
    return ", ".join(["%s"] * len(values))
