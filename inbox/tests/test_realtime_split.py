from inbox.realtime import Changes, split


def test_split_keeps_every_item_in_order_within_the_size():
    changes = Changes(new_messages=list(range(60)), conversations=list(range(30)), deleted_notes=[7])
    parts = split(changes, size=25)
    assert len(parts) == 3
    assert all(len(p.new_messages) <= 25 and len(p.conversations) <= 25 for p in parts)
    assert [pk for p in parts for pk in p.new_messages] == list(range(60))
    assert [pk for p in parts for pk in p.conversations] == list(range(30))
    assert [pk for p in parts for pk in p.deleted_notes] == [7]


def test_split_of_small_changes_is_one_part():
    changes = Changes(changed_messages=[3], new_notes=[4])
    assert split(changes) == [changes]
