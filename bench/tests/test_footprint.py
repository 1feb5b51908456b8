import os
import subprocess
import sys

from bench import footprint


def _peak_of_a_child_holding(megabytes: int) -> float | None:
    """The peak of a fresh interpreter that has touched `megabytes` of memory and waits."""
    code = f"b = bytearray({megabytes} * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print(flush=True); input()"
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child.stdout.readline()
        return footprint.peak_rss(child.pid)
    finally:
        child.communicate("\n", timeout=10)


def test_the_peak_is_a_process_high_water_mark_in_bytes():
    assert _peak_of_a_child_holding(64) >= _peak_of_a_child_holding(0) + 60 * 1024 * 1024


def test_a_process_that_has_gone_has_no_peak():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert footprint.peak_rss(child.pid) is None
    assert footprint.largest_peak([child.pid]) is None


def test_the_largest_peak_is_one_process_not_the_sum():
    assert footprint.largest_peak([os.getpid(), os.getpid()]) == footprint.peak_rss(os.getpid())
