"""The media download baseline: `python -m bench.media_client '<json spec>'`.

Fetches the phase's files straight from the fake Graph API the way the app's worker does, in
Meta's two steps (GET /<version>/<media id> with the Bearer token for a fresh URL, then GET
that URL), on as many threads as the app has download workers, and keeps nothing: the
download with no task queue, database, checksum, thumbnail or storage around it. Prints
`ready`, waits for a line on stdin, then prints one JSON line with the wall time, the bytes
each file had and the client's CPU seconds."""

import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def fetch_all(spec: dict) -> list[int]:
    """Each file's size in bytes, in the order of `spec["ids"]` (-1: the fetch failed)."""
    local = threading.local()
    headers = {"Authorization": f"Bearer {spec['token']}"}

    def fetch(media_id: str) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        session = local.session
        lookup = session.get(f"{spec['graph_url']}/{spec['version']}/{media_id}", headers=headers, timeout=30)
        if lookup.status_code != 200:
            return -1
        download = session.get(lookup.json()["url"], headers=headers, timeout=30)
        return len(download.content) if download.status_code == 200 else -1

    with ThreadPoolExecutor(max_workers=spec["concurrency"]) as pool:
        return list(pool.map(fetch, spec["ids"]))


def main() -> None:
    spec = json.loads(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    cpu_before = cpu_seconds()
    started = time.monotonic_ns()
    sizes = fetch_all(spec)
    elapsed = (time.monotonic_ns() - started) / 1e9
    print(json.dumps({"seconds": elapsed, "sizes": sizes, "cpu_s": cpu_seconds() - cpu_before}), flush=True)


if __name__ == "__main__":
    main()
