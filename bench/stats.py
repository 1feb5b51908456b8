"""Percentiles and summaries of latency samples. Pure.

Nearest-rank percentiles: the reported p99 is a latency some request really had, never an
interpolation between two. A request that never got an answer counts as `math.inf`."""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q`-th percentile (0 < q <= 100) of `values`; NaN when empty."""
    if not 0 < q <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def share_over(values: Sequence[float], threshold: float) -> float:
    """The fraction of `values` strictly above `threshold`; NaN when empty."""
    if not values:
        return math.nan
    return sum(1 for value in values if value > threshold) / len(values)


def median(values: Iterable[float]) -> float:
    """The median of the finite-or-infinite values given, ignoring NaN; NaN when none."""
    kept = _measured(values)
    return statistics.median(kept) if kept else math.nan


def largest(values: Iterable[float]) -> float:
    """The largest of the values given, ignoring NaN; NaN when none."""
    kept = _measured(values)
    return max(kept) if kept else math.nan


def _measured(values: Iterable[float]) -> list[float]:
    # NaN stands for a round that produced no figure.
    return [value for value in values if not math.isnan(value)]


@dataclass(frozen=True)
class Latency:
    """A latency distribution in milliseconds."""

    count: int
    p50: float
    p99: float
    max: float
    over_1s: float  # fraction of samples above one second

    @classmethod
    def of_ns(cls, samples_ns: Sequence[float]) -> "Latency":
        ms = [sample / 1e6 for sample in samples_ns]
        return cls(
            count=len(ms),
            p50=percentile(ms, 50),
            p99=percentile(ms, 99),
            max=max(ms) if ms else math.nan,
            over_1s=share_over(ms, 1000.0),
        )


@dataclass(frozen=True)
class PushSplit:
    """Where a pushed message's time went, p50 over messages, in milliseconds: from its POST's
    scheduled send until the delivery was stored (the acknowledgement path), from then until a
    worker had applied it (waiting for and running its batch), and from then until the median
    listening client had its frame (commit, rendering, publishing and the fan-out)."""

    stored: float
    processed: float
    browsers: float

    @classmethod
    def of(
        cls,
        seen: Sequence[Sequence[tuple[int, int]]],
        scheduled_ns: Sequence[int],
        times_ns: dict[int, tuple[int, int]],
    ) -> "PushSplit":
        """`seen`: per client, (message index, arrival) pairs; `times_ns`: per message index,
        when its delivery was stored and processed; all on one monotonic clock."""
        arrivals: dict[int, list[int]] = {}
        for client in seen:
            for index, at in client:
                arrivals.setdefault(index, []).append(at)
        stored, processed, browsers = [], [], []
        for index, (stored_at, processed_at) in times_ns.items():
            if index not in arrivals:
                continue
            stored.append(stored_at - scheduled_ns[index])
            processed.append(processed_at - stored_at)
            browsers.append(statistics.median_low(arrivals[index]) - processed_at)
        return cls(*(percentile(part, 50) / 1e6 for part in (stored, processed, browsers)))
