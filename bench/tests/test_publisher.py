from bench import payloads
from bench.publisher import fragment


def test_a_baseline_frame_carries_each_wamid_and_about_the_requested_size():
    wamids = [payloads.wamid("PB", i) for i in range(40, 45)]
    html = fragment(wamids, 40, 20_000)
    found = [int(i) for i in payloads.wamid_pattern("PB").findall(html.encode())]
    assert found == list(range(40, 45))
    assert abs(len(html) - 20_000) < 100
    assert html.count('hx-swap-oob="beforeend:#thread-1"') == 5


def test_a_frame_smaller_than_its_markup_is_not_padded():
    html = fragment([payloads.wamid("PB", 1)], 1, 10)
    assert "xxx" not in html
    assert payloads.wamid_pattern("PB").findall(html.encode()) == [b"00000001"]
