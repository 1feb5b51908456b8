import math

from bench import profiles, report


def _by_figure(rows):
    return {row.figure: row for row in rows if not row.section}


def test_figures_are_medians_over_rounds_beside_their_baseline():
    results = {"app1.e2e": [900.0, 1200.0, 1100.0], "verify1.ack": [1400.0, 1500.0, 1300.0], "app1.ack": [2000.0]}
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    row = rows["Single-message deliveries/s end to end"]
    assert (row.app, row.baseline, row.ratio) == ("1,100/s", "1,400/s", "0.79×")
    assert row.verdict == "PASS"


def test_a_target_missed_on_the_ratio_is_a_miss():
    results = {"app1.e2e": [1100.0], "verify1.ack": [2000.0]}
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    assert rows["Single-message deliveries/s end to end"].verdict == "MISS"


def test_unmeasured_figures_show_na_not_a_pass():
    rows = _by_figure(report.build_rows({}, {}, profiles.FULL))
    assert rows["Single-message deliveries/s end to end"].app == "n/a"
    assert rows["Single-message deliveries/s end to end"].verdict == "n/a"
    assert rows["p50"].verdict == "n/a"


def test_a_missing_page_view_is_reported_as_such():
    pages = {"list": {"missing": "no view"}, "thread": {"ms": [10.0, 20.0, 30.0], "queries": 7}}
    rows = _by_figure(report.build_rows({}, pages, profiles.FULL))
    assert rows["Conversation list, first page"].app == "n/a (no view)"
    thread = rows["Thread of the 10,000-message conversation"]
    assert (thread.app, thread.verdict) == ("20.0 ms, 7 queries", "PASS")


def test_push_delivery_below_all_is_a_miss():
    results = {"push.app.delivered": [0.995], "push.base.delivered": [1.0]}
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    assert rows["delivered"].verdict == "MISS"
    assert rows["delivered"].baseline == "100 %"


def test_nothing_over_a_second_at_the_top_rate_is_the_target_in_every_round():
    results = {"ack.app.1000.over_1s": [0.0, 0.0, 0.0], "ack.app.500.p99": [150.0]}
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    assert rows["1,000/s: share over 1 s (worst round)"].verdict == "PASS"
    assert rows["500/s: p99"].verdict == "MISS"
    results["ack.app.1000.over_1s"] = [0.0, 0.0004, 0.0]
    row = _by_figure(report.build_rows(results, {}, profiles.FULL))["1,000/s: share over 1 s (worst round)"]
    assert (row.app, row.verdict) == ("0.04 %", "MISS")


def test_cpu_cells_split_components_and_compare_the_server_side():
    results = {
        "cpu.app1.postgres": [1.0],
        "cpu.app1.server": [2.0],
        "cpu.app1.workers": [0.5],
        "cpu.app1.redis": [0.0],
        "cpu.app1.generator": [5.0],
        "cpu.verify1.server": [1.0],
        "cpu.verify1.postgres": [0.5],
    }
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    row = rows["single, per delivery"]
    assert row.app == "srv 2.00 · wrk 0.50 · pg 1.00 · redis 0.00 · gen 5.00"
    assert row.ratio == "2.33×"


def test_figures_ignore_rounds_that_produced_nothing():
    assert report.Figures({"x": [math.nan, 2.0, 4.0]})("x") == 3.0


def test_media_downloads_show_files_and_megabytes_per_second_beside_the_plain_client():
    results = {
        "media.app.rate": [40.0, 50.0, 60.0],
        "media.base.rate": [200.0],
        "media.app.mbps": [3.5],
        "media.base.mbps": [14.0],
    }
    rows = report.build_rows(results, {}, profiles.QUICK)
    assert any(row.section and row.figure.startswith("Media downloads: 50 JPEGs") for row in rows)
    by_figure = _by_figure(rows)
    files = by_figure["Images downloaded/s (baseline: 2 threads, lookup + GET each)"]
    assert (files.app, files.baseline, files.ratio) == ("50.0/s", "200.0/s", "0.25×")
    megabytes = by_figure["MB/s downloaded"]
    assert (megabytes.app, megabytes.baseline, megabytes.ratio) == ("3.50 MB/s", "14.00 MB/s", "0.25×")


def test_the_push_split_shows_each_step_beside_the_baselines_fan_out():
    results = {
        "push.app.split.stored": [2.3, 2.5],
        "push.app.split.processed": [17.3, 15.1],
        "push.app.split.browsers": [15.3, 14.7],
        "push.base.p50": [9.0, 9.4],
    }
    figure = "p50 by step: POST to stored · to processed · to the browsers"
    row = _by_figure(report.build_rows(results, {}, profiles.FULL))[figure]
    assert (row.app, row.baseline) == ("2.4 · 16.2 · 15.0 ms", "– · – · 9.2 ms")
    assert _by_figure(report.build_rows({}, {}, profiles.FULL))[figure].app == "n/a"


def test_footprint_shows_peak_memory_beside_the_bare_app_and_disk_per_item():
    results = {
        "memory.app.server": [120e6, 130e6, 125e6],
        "memory.hello.server": [50e6],
        "memory.app.worker": [90e6],
        "storage.messages": [850e6],
        "storage.messages.indexes": [340e6],
    }
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    assert (rows["daphne"].app, rows["daphne"].baseline, rows["daphne"].ratio) == ("125 MB", "50 MB", "2.50×")
    assert rows["a process_webhooks worker"].app == "90 MB"
    assert rows["a db_worker (media downloads)"].app == "n/a"
    assert rows["messages on disk, indexes included"].app == "850 MB · 850 B a message · indexes 40 %"
    assert rows["conversations on disk, indexes included"].app == "n/a"


def test_cpu_at_rest_is_a_share_of_one_core_per_component():
    results = {"cpu.idle.server": [0.0003], "cpu.idle.workers": [0.006, 0.004, 0.005], "cpu.idle.postgres": [0.0017]}
    rows = _by_figure(report.build_rows(results, {}, profiles.FULL))
    assert rows["CPU with no traffic (10 s)"].app == "srv 0.03 · wrk 0.50 · pg 0.17 % of one core"
    assert _by_figure(report.build_rows({}, {}, profiles.FULL))["CPU with no traffic (10 s)"].app == "n/a"
