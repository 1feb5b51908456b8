import math

import pytest

from bench import http_client


def test_a_complete_response_is_taken_off_the_buffer():
    buffer = bytearray(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOKHTTP/1.1 403")
    assert http_client.take_response(buffer) == 200
    assert buffer == bytearray(b"HTTP/1.1 403")


def test_a_partial_response_waits_for_the_rest_of_its_body():
    buffer = bytearray(b"HTTP/1.1 503 Unavailable\r\ncontent-length: 5\r\n\r\nabc")
    assert http_client.take_response(buffer) is None
    buffer += b"de"
    assert http_client.take_response(buffer) == 503
    assert buffer == bytearray()


def test_a_response_without_content_length_is_refused_loudly():
    with pytest.raises(ValueError):
        http_client.take_response(bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))


def test_latency_is_taken_from_the_scheduled_time_and_lost_requests_are_infinite():
    outcome = http_client.Outcome(
        statuses=[200, http_client.TIMEOUT, 503],
        scheduled_ns=[1_000, 2_000, 3_000],
        sent_ns=[1_500, 2_500, 3_500],
        done_ns=[4_000, 0, 9_000],
    )
    assert http_client.latencies_ns(outcome) == [3_000, math.inf, 6_000]
