import math

import pytest

from bench.stats import Latency, PushSplit, largest, median, percentile, share_over


def test_percentile_is_a_value_that_occurred():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 50) == 3
    assert percentile(values, 100) == 5
    assert percentile(values, 1) == 1


def test_p99_of_a_hundred_samples_is_the_ninety_ninth():
    values = list(range(1, 101))
    assert percentile(values, 99) == 99
    assert percentile(values, 99.9) == 100


def test_percentile_of_nothing_is_nan():
    assert math.isnan(percentile([], 50))


def test_percentile_rejects_out_of_range_quantiles():
    with pytest.raises(ValueError):
        percentile([1], 0)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_unanswered_requests_count_as_infinitely_slow():
    values = [1.0] * 98 + [math.inf, math.inf]
    assert percentile(values, 99) == math.inf
    assert percentile(values, 50) == 1.0


def test_share_over_counts_only_values_strictly_above():
    assert share_over([1, 2, 3, 4], 2) == 0.5
    assert share_over([1000, 1000.5], 1000) == 0.5
    assert math.isnan(share_over([], 1))


def test_median_ignores_nan_rounds():
    assert median([3.0, math.nan, 1.0, 2.0]) == 2.0
    assert math.isnan(median([math.nan]))


def test_latency_summary_converts_nanoseconds_to_milliseconds():
    summary = Latency.of_ns([1_000_000, 2_000_000, 1_500_000_000])
    assert summary.count == 3
    assert summary.p50 == 2.0
    assert summary.max == 1500.0
    assert summary.over_1s == pytest.approx(1 / 3)


def test_the_push_split_takes_each_steps_median_over_messages():
    ms = 1_000_000
    scheduled = [0, 100 * ms, 200 * ms]
    times = {0: (2 * ms, 12 * ms), 1: (103 * ms, 113 * ms), 2: (204 * ms, 230 * ms)}
    seen = [
        [(0, 20 * ms), (1, 120 * ms), (2, 240 * ms)],
        [(0, 22 * ms), (1, 121 * ms), (2, 250 * ms)],
        [(0, 24 * ms), (1, 125 * ms)],  # message 2 never reached this client
    ]
    split = PushSplit.of(seen, scheduled, times)
    assert split == PushSplit(stored=3.0, processed=10.0, browsers=10.0)


def test_the_push_split_of_nothing_seen_is_not_a_number():
    split = PushSplit.of([[]], [0], {0: (1, 2)})
    assert all(math.isnan(value) for value in (split.stored, split.processed, split.browsers))


def test_the_largest_ignores_rounds_that_produced_nothing():
    assert largest([math.nan, 2.0, 4.0]) == 4.0
    assert math.isnan(largest([math.nan]))
