import math

from bench import table
from bench.table import Row


def _rows() -> list[Row]:
    return [
        table.section("Throughput"),
        Row(
            figure="Deliveries/s", app="1,200/s", baseline="1,500/s", ratio="0.80×", target="≥ 1,000/s", verdict="PASS"
        ),
        Row(figure="p99 | pipes", app="3.0 ms", baseline="2.0 ms", ratio="1.50×"),
    ]


def test_text_table_aligns_every_row_to_the_same_columns():
    lines = table.render_text(_rows(), title="bench").splitlines()
    assert lines[0] == "bench"
    header, rule, heading, first, second = lines[1:]
    assert header.startswith("Figure")
    assert set(rule) == {"="}
    assert heading.startswith("-- Throughput ")
    assert first.index("1,200/s") + len("1,200/s") == second.index("3.0 ms") + len("3.0 ms")


def test_markdown_table_has_a_header_separator_and_escaped_pipes():
    lines = table.render_markdown(_rows()).splitlines()
    assert lines[0] == "| Figure | App | Baseline | App/baseline | Target | Verdict |"
    assert lines[1] == "|---|---:|---:|---:|---:|---:|"
    assert lines[2].startswith("| **Throughput** |")
    assert lines[2].count("|") == lines[0].count("|")
    assert "p99 \\| pipes" in lines[4]


def test_numbers_are_formatted_with_units_and_missing_ones_say_so():
    assert table.rate(1234.4) == "1,234/s"
    assert table.ms(12.345) == "12.3 ms"
    assert table.ms(1234.5) == "1,234 ms"
    assert table.ms(math.inf) == "no answer"
    assert table.percent(1.0) == "100 %"
    assert table.percent(0.9987) == "99.87 %"
    assert table.rate(math.nan) == table.ms(None) == "n/a"


def test_ratio_guards_against_missing_and_zero_baselines():
    assert table.ratio(3.0, 2.0) == "1.50×"
    assert table.ratio(3.0, 0) == "n/a"
    assert table.ratio(math.nan, 2.0) == "n/a"
    assert table.ratio(math.inf, 2.0) == "n/a"


def test_verdict_is_information_not_a_failure():
    assert table.verdict(True) == "PASS"
    assert table.verdict(False) == "MISS"
    assert table.verdict(None) == "n/a"
