"""The shortcuts in the message filters give what the Django functions they skip would give."""

import re

import pytest
from django.utils.text import Truncator

from inbox.templatetags import inbox_format
from inbox.templatetags.inbox_format import _MAYBE_LINK, linkify, truncated

PLAIN = [
    "Thank you so much!",
    "Is the shop open on Sunday? 10:30 or 11.",
    "We're sorry for the delay, a colleague is looking into it right now.",
    "<b>bold</b> & \"quoted\" 'single' <script>alert(1)</script>",
    "size L → XL. ok 👍\nsecond line\r\n\ttabbed",
    "*bold* _italic_ ~struck~ ```code``` and 3*4_5~6",
    "v1.2.3 e.g. i.e. a.b.c..d (see p. 4) [x.y] ...",
    "Ratio 3:4, time 10:45, path a/b.c",
    "",
]
LINKS = [
    "see http://example.com/a_b*c",
    "HTTPS://EXAMPLE.ORG",
    "www.example.de, or",
    "mail me: ann@example.de.",
    "shop.example.com/cart",
    "(example.net)",
    "xn--bcher-kva.com",
]


@pytest.mark.parametrize("text", PLAIN)
def test_text_without_link_hints_comes_out_as_urlize_would_make_it(text, monkeypatch):
    assert not _MAYBE_LINK.search(text)
    skipped = linkify(text)
    monkeypatch.setattr(inbox_format, "_MAYBE_LINK", re.compile(""))
    assert linkify(text) == skipped


@pytest.mark.parametrize("text", LINKS)
def test_text_with_links_still_gets_them(text):
    assert _MAYBE_LINK.search(text)
    assert "<a " in linkify(text)


@pytest.mark.parametrize(
    "text",
    ["", "short", "x" * 90, "x" * 91, "é" * 100, "e\u0301" * 95, "a" + "\u0301" * 200, "Ω Å ﬁ", "👍🏽" * 60],
)
@pytest.mark.parametrize("length", [1, 90, 140])
def test_truncated_is_truncator(text, length):
    assert truncated(text, length) == Truncator(text).chars(length)
