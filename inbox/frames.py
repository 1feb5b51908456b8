"""Renders realtime.Changes into one HTML frame of out-of-band swaps."""

from inbox.realtime import Changes


def render(changes: Changes) -> str:
    return ""
