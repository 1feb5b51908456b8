"""Reading a Range header: single ranges of every form, what is ignored, what is unsatisfiable."""

import pytest

from inbox.byte_ranges import ByteRange, Unsatisfiable, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", ByteRange(0, 9)),
        ("bytes=10-", ByteRange(10, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=-500", ByteRange(0, 99)),
        ("bytes=90-500", ByteRange(90, 99)),
        ("bytes=99-99", ByteRange(99, 99)),
        ("Bytes = 5 - 6", ByteRange(5, 6)),
    ],
)
def test_reads_a_single_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", [None, "", "items=0-9", "bytes=0-9,20-29"])
def test_sends_the_whole_file_for_no_or_foreign_or_multiple_ranges(header):
    assert parse_range(header, 100) is None


@pytest.mark.parametrize(
    "header",
    ["bytes=100-", "bytes=100-200", "bytes=9-2", "bytes=-0", "bytes=abc", "bytes=", "bytes=-", "bytes=1-2-3",
     "bytes=+1-5", "bytes=١-٥"],
)
def test_refuses_malformed_or_out_of_file_ranges(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_an_empty_file_has_no_satisfiable_range():
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-5", 0)


def test_content_range_names_the_whole_size():
    assert ByteRange(0, 9).content_range(100) == "bytes 0-9/100"
    assert ByteRange(0, 9).length == 10
