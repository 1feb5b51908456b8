"""Media download throughput: image messages arrive by webhook, the app's `db_worker` processes
fetch each file from a fake Graph API in Meta's two steps and store it; the figure is files
(and MB) per second from the first POST until the database shows every one downloaded. The
baseline fetches the same files from the same fake Graph API with a plain client on as many
threads as the app has workers, keeping nothing.

The fake Graph API and the workers start once per run beside the app server; the workers'
CPU counts as server side."""

import asyncio
import math
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import requests

from bench import cpu, http_client, media_files, payloads
from bench.context import HOST, Context, Server
from bench.phases import record_cpu, say
from bench.processes import PYTHON, Processes, Worker, free_port, wait_listening

ACCESS_TOKEN = "bench-access-token"
API_VERSION = "v25.0"
POLL_SECONDS = 0.02
POST_CONNECTIONS = 8


@dataclass(frozen=True)
class MediaRig:
    graph_url: str
    graph_pid: int
    server: Server  # the app, its db_worker processes among the workers
    media_root: Path

    def remove_files(self) -> None:
        shutil.rmtree(self.media_root, ignore_errors=True)


def start(processes: Processes, *, env: dict[str, str], app: Server, workers: int) -> MediaRig:
    """The fake Graph API on a free port of the bench's range, and `workers` db_worker
    processes pointed at it, storing into a fresh temporary MEDIA_ROOT."""
    port = free_port({app.port})
    graph = processes.start(
        "fake-graph", [PYTHON, "manage.py", "fake_graph_api", "--port", str(port), "--no-statuses"], env=env
    )
    wait_listening(processes, graph, name="fake-graph", port=port)
    graph_url = f"http://{HOST}:{port}"
    media_root = Path(tempfile.mkdtemp(prefix="bench-media-"))
    worker_env = {
        **env,
        "WHATSAPP_GRAPH_URL": graph_url,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_API_VERSION": API_VERSION,
        "MEDIA_ROOT": str(media_root),
    }
    pids = tuple(
        processes.start(f"media-worker-{n}", [PYTHON, "manage.py", "db_worker"], env=worker_env).pid
        for n in range(1, workers + 1)
    )
    server = replace(app, name="app+media", worker_pids=app.worker_pids + pids)
    print(f"  media: fake Graph API on {graph_url} (pid {graph.pid}), db_worker pids {pids}", flush=True)
    return MediaRig(graph_url=graph_url, graph_pid=graph.pid, server=server, media_root=media_root)


def register(rig: MediaRig, files: list[media_files.MediaFile]) -> None:
    with requests.Session() as session:
        for file in files:
            answer = session.post(
                f"{rig.graph_url}/_control/media",
                params={"id": file.media_id, "mime_type": media_files.MIME_TYPE},
                data=file.data,
                timeout=10,
            )
            answer.raise_for_status()


def _deliveries(ctx: Context, files: list[media_files.MediaFile], *, prefix: str) -> list[bytes]:
    timestamp = int(time.time())
    host = f"{HOST}:{ctx.servers['app'].port}"
    return [
        payloads.post_request(
            body=payloads.image_delivery_body(
                prefix=prefix, index=index, timestamp=timestamp, media_id=file.media_id, sha256=file.sha256_base64
            ),
            secret=ctx.secret,
            host=host,
        )
        for index, file in enumerate(files)
    ]


def measure(ctx: Context, rig: MediaRig, *, prefix: str, first_app: bool) -> None:
    files = media_files.make(prefix=prefix, count=ctx.profile.media_files)
    register(rig, files)
    steps = (lambda: _app(ctx, rig, files, prefix=prefix), lambda: _baseline(ctx, rig, files))
    for step in steps if first_app else reversed(steps):
        step()


def _graph_cpu(rig: MediaRig) -> float:
    return cpu.cpu_seconds(rig.graph_pid) or 0.0


def _record(ctx: Context, key: str, files: list[media_files.MediaFile], seconds: float) -> tuple[float, float]:
    rate = len(files) / seconds if seconds > 0 else math.nan
    megabytes = sum(len(file.data) for file in files) / 1e6 / seconds if seconds > 0 else math.nan
    ctx.record(f"{key}.rate", rate)
    ctx.record(f"{key}.mbps", megabytes)
    return rate, megabytes


def _app(ctx: Context, rig: MediaRig, files: list[media_files.MediaFile], *, prefix: str) -> None:
    key = "media.app"
    started = time.monotonic()
    requests_ = _deliveries(ctx, files, prefix=prefix)
    meter = ctx.meter(rig.server)
    graph_before = _graph_cpu(rig)
    meter.start()
    first_sent = time.monotonic_ns()
    outcome = asyncio.run(
        http_client.closed_loop(
            host=HOST,
            port=rig.server.port,
            requests=requests_,
            connections=min(POST_CONNECTIONS, len(requests_)),
            duration=ctx.profile.drain_timeout,
            cycle=False,
        )
    )
    acked = sum(1 for status in outcome.statuses if status == 200)
    if acked != len(files):
        ctx.fail(f"{key}: {acked} of {len(files)} image deliveries answered 200")
    states = _wait_settled(ctx, prefix=prefix, expected=len(files))
    done = time.monotonic_ns()
    cpu_split = meter.stop()
    cpu_split["graph"] = _graph_cpu(rig) - graph_before
    downloaded = states.get("downloaded", 0)
    if downloaded != len(files):
        ctx.fail(
            f"{key}: {downloaded} of {len(files)} images downloaded within {ctx.profile.drain_timeout:.0f} s "
            f"(media states {states})"
        )
        for name in ("rate", "mbps"):
            ctx.record(f"{key}.{name}", math.nan)
        record_cpu(ctx, key, cpu_split, len(files))
        say(key, started, f"FAILED, {downloaded}/{len(files)} downloaded")
        return
    _check_stored(ctx, rig, files, prefix=prefix, key=key)
    rate, megabytes = _record(ctx, key, files, (done - first_sent) / 1e9)
    record_cpu(ctx, key, cpu_split, len(files))
    say(key, started, f"{rate:,.1f} downloads/s, {megabytes:,.2f} MB/s")


def _wait_settled(ctx: Context, *, prefix: str, expected: int) -> dict[str, int]:
    """The media states once all `expected` messages are stored and none is pending, or at the timeout."""
    deadline = time.monotonic() + ctx.profile.drain_timeout
    while True:
        states = ctx.checker.media_states(prefix)
        if (sum(states.values()) >= expected and not states.get("pending")) or time.monotonic() > deadline:
            return states
        time.sleep(POLL_SECONDS)


def _check_stored(ctx: Context, rig: MediaRig, files: list[media_files.MediaFile], *, prefix: str, key: str) -> None:
    """Every message has its own stored file, of exactly the registered size."""
    sizes = {file.media_id: len(file.data) for file in files}
    rows = ctx.checker.media_rows(prefix)
    problems = []
    if len(rows) != len(files):
        problems.append(f"{len(rows)} messages stored for {len(files)} images")
    names = [row[2] for row in rows]
    if len(set(names)) != len(names) or not all(names):
        problems.append(f"{len(set(filter(None, names)))} distinct stored files for {len(rows)} messages")
    for media_id, state, name, size, error in rows:
        expected = sizes.get(media_id)
        path = rig.media_root / name if name else None
        on_disk = path.stat().st_size if path and path.is_file() else None
        if state != "downloaded" or size != expected or on_disk != expected:
            problems.append(
                f"media {media_id}: state {state!r}, stored size {size}, file on disk {on_disk}, "
                f"registered {expected} bytes {error}".rstrip()
            )
    for problem in problems[:5]:
        ctx.fail(f"{key}: {problem}")
    if len(problems) > 5:
        ctx.fail(f"{key}: and {len(problems) - 5} more stored-file problems")


def _baseline(ctx: Context, rig: MediaRig, files: list[media_files.MediaFile]) -> None:
    key = "media.base"
    started = time.monotonic()
    spec = {
        "graph_url": rig.graph_url,
        "version": API_VERSION,
        "token": ACCESS_TOKEN,
        "ids": [file.media_id for file in files],
        "concurrency": ctx.profile.media_workers,
    }
    client = Worker(ctx.processes, "media-client", "bench.media_client", spec, env=ctx.worker_env)
    client.ready()
    graph_before = _graph_cpu(rig)
    client.go()
    fetched = client.result(timeout=ctx.profile.drain_timeout + 60)
    wrong = sum(1 for file, size in zip(files, fetched["sizes"], strict=True) if size != len(file.data))
    if wrong:
        ctx.note(f"{key}: {wrong} of {len(files)} files came back short or failed from the fake Graph API")
    rate, megabytes = _record(ctx, key, files, fetched["seconds"])
    record_cpu(ctx, key, {"graph": _graph_cpu(rig) - graph_before, "generator": fetched["cpu_s"]}, len(files))
    say(key, started, f"{rate:,.1f} downloads/s, {megabytes:,.2f} MB/s")
