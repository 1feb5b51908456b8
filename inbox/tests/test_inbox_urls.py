"""`pk_url` gives what `{% url %}` gives, under any script prefix."""

import pytest
from django.urls import get_script_prefix, reverse, set_script_prefix

from inbox.templatetags.inbox_urls import pk_url

ROUTES = ["inbox:conversation", "inbox:thread", "inbox:media", "inbox:compose-react", "inbox:delete-note"]


@pytest.fixture
def script_prefix():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize("name", ROUTES)
def test_it_matches_reverse(name, script_prefix):
    for prefix in ("/", "/inbox/", "/team%20inbox/"):
        script_prefix(prefix)
        for pk in (1, 9, 918273645, 10**12):
            assert pk_url(pk, name) == reverse(name, args=[pk])
