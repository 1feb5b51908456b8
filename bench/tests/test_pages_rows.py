import random
from datetime import UTC, datetime

import pytest

from bench import pages_rows


def test_message_counts_add_up_with_one_long_thread_first():
    counts = pages_rows.message_counts(conversations=2_000, messages=30_000, big_thread=10_000, rng=random.Random(1))
    assert len(counts) == 2_000
    assert sum(counts) == 30_000
    assert counts[0] == 10_000
    assert min(counts) >= 1
    assert max(counts[1:]) < 10_000


def test_most_conversations_are_short_and_some_are_busy():
    counts = pages_rows.message_counts(conversations=10_000, messages=100_000, big_thread=10_000, rng=random.Random(2))
    others = sorted(counts[1:])
    assert others[len(others) // 2] < 9  # the median conversation is below the mean
    assert others[-1] > 50


def test_too_few_messages_for_the_conversations_is_refused():
    with pytest.raises(ValueError):
        pages_rows.message_counts(conversations=100, messages=50, big_thread=10, rng=random.Random(3))


def test_copy_line_template_fills_generated_columns_and_neutral_values():
    columns = [
        ("id", "bigint", False),
        ("notes", "text", False),
        ("user_id", "character varying", True),
        ("payload", "jsonb", False),
    ]
    template = pages_rows.template(columns, frozenset({"id"}))
    assert template.format(id=7) == "7\t\t\\N\t{}\n"


def test_rows_fill_every_column_and_summarise_each_conversation():
    message_columns = [(name, "text", False) for name in sorted(pages_rows.MESSAGE_FIELDS)]
    conversation_columns = [(name, "text", False) for name in sorted(pages_rows.CONVERSATION_FIELDS)]
    rows = pages_rows.Rows(
        counts=[3, 1],
        rng=random.Random(4),
        now=datetime(2026, 1, 1, tzinfo=UTC),
        message_columns=message_columns,
        conversation_columns=conversation_columns,
    )
    messages = [dict(zip(sorted(pages_rows.MESSAGE_FIELDS), line.rstrip("\n").split("\t"), strict=True))
                for line in rows.messages()]  # fmt: skip
    conversations = [dict(zip(sorted(pages_rows.CONVERSATION_FIELDS), line.rstrip("\n").split("\t"), strict=True))
                     for line in rows.conversations]  # fmt: skip
    assert [m["id"] for m in messages] == ["1", "2", "3", "4"]
    assert [m["conversation_id"] for m in messages] == ["1", "1", "1", "2"]
    assert len({m["message_id"] for m in messages}) == 4
    assert [m["timestamp"] for m in messages[:3]] == sorted(m["timestamp"] for m in messages[:3])
    assert [(c["message_count"], c["last_message_id"]) for c in conversations] == [("3", "3"), ("1", "4")]
    assert conversations[0]["last_message_at"] == messages[2]["timestamp"]
