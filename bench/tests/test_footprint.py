import os
import subprocess
import sys

from bench import footprint


def test_peak_memory_is_this_process_high_water_mark_in_bytes():
    peak = footprint.peak_rss(os.getpid())
    assert peak is not None
    held = bytearray(64 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # touched, so resident
    assert footprint.peak_rss(os.getpid()) >= peak + 60 * 1024 * 1024


def test_a_process_that_has_gone_has_no_peak():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert footprint.peak_rss(child.pid) is None
    assert footprint.largest_peak([child.pid]) is None


def test_the_largest_peak_is_one_process_not_the_sum():
    assert footprint.largest_peak([os.getpid(), os.getpid()]) == footprint.peak_rss(os.getpid())
