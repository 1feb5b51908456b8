"""`fast_date` writes exactly what `date` writes, in any time zone and language."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from inbox.templatetags.inbox_dates import FORMATS

MOMENTS = [
    datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 9, 23, 59, 59, 123456, tzinfo=UTC),
    datetime(2025, 12, 31, 22, 30, tzinfo=UTC),
    datetime(999, 5, 1, 7, 3, tzinfo=UTC),
]


def both(value, fmt: str) -> tuple[str, str]:
    template = Template('{% load inbox_dates %}{{ value|date:fmt }}|{{ value|fast_date:fmt }}')
    return tuple(template.render(Context({"value": value, "fmt": fmt})).split("|"))


@pytest.mark.parametrize("fmt", [*FORMATS, "D j F", "Y-m-d"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
def test_it_writes_what_the_date_filter_writes(fmt, zone, language):
    with timezone.override(zone), translation.override(language):
        for moment in MOMENTS:
            django, ours = both(moment, fmt)
            assert ours == django


def test_it_handles_what_date_handles():
    assert both(None, "c") == ("", "")
    assert both("", "H:i") == ("", "")
    assert both(date(2026, 2, 3), "j M") == ("3 Feb", "3 Feb")
