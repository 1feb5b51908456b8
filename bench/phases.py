"""The figures of one round, each run against the app and against its baseline: closed-loop
throughput, acknowledgement latency at fixed rates, and push latency to logged-in websockets.
Every figure is recorded per round under a key; the report takes medians over rounds."""

import math
import time

from bench import drive, http_client
from bench.context import Context, Server
from bench.processes import Worker
from bench.stats import Latency, PushSplit

# Requests prebuilt per second of a closed-loop run, by messages per POST: above any rate
# this machine reaches, so a run ends on time rather than on an empty queue.
PREBUILT_PER_SECOND = {1: 8000, 10: 3000, 100: 1500}
DEFAULT_FRAME = {"frame_bytes": 4000, "messages_per_frame": 1}
# The app may acknowledge far faster than it processes, and every acknowledged message must be
# processed before the next run. So an app run sends at most BUDGET_FACTOR × its duration ×
# the end-to-end rate measured so far (DEFAULT_E2E before the first measurement): the run
# still ends with the last message processed, without a backlog of minutes.
BUDGET_FACTOR = 1.5
DEFAULT_E2E = 1000.0


def message_budget(ctx: Context, key: str) -> float:
    measured = [value for value in ctx.results.get(f"{key}.e2e", ()) if not math.isnan(value)]
    estimate = sorted(measured)[len(measured) // 2] if measured else DEFAULT_E2E
    return BUDGET_FACTOR * ctx.profile.closed_seconds * estimate


def record_cpu(ctx: Context, key: str, cpu: dict[str, float], items: int) -> None:
    """CPU milliseconds per item (delivery or message) for each component."""
    for component, seconds in cpu.items():
        ctx.record(f"cpu.{key}.{component}", seconds * 1000 / items if items else math.nan)


def say(key: str, started: float, summary: str) -> None:
    print(f"  {key:<16} {summary} ({time.monotonic() - started:.1f} s)", flush=True)


def throughput(ctx: Context, server: Server, *, key: str, prefix: str, per_post: int) -> None:
    """Closed loop: acknowledged messages/s, and for the app messages/s stored, processed
    and broadcast (until the last message has been processed and its frame has arrived)."""
    started = time.monotonic()
    duration = ctx.profile.closed_seconds
    cycle = server.kind == "hello"  # the hello app stores nothing, so it may see a body twice
    requests = 64 if cycle else int(duration * PREBUILT_PER_SECOND[per_post])
    if server.kind == "app":
        requests = min(requests, max(math.ceil(message_budget(ctx, key) / per_post), ctx.profile.connections))
    spec = {
        "shape": "closed",
        "connections": ctx.profile.connections,
        "duration": duration,
        "requests": requests,
        "cycle": cycle,
        "budgeted": server.kind == "app",
    }
    result = drive.run(
        ctx, server, spec, label=key, prefix=prefix, per_post=per_post, listeners=1, lenient_timeouts=False
    )
    messages = result.acked * per_post
    elapsed = (result.last_done_ns - result.first_sent_ns) / 1e9
    acked_rate = messages / elapsed if elapsed > 0 else math.nan
    ctx.record(f"{key}.ack", acked_rate)
    record_cpu(ctx, key, result.cpu, messages)
    if server.kind != "app":
        say(key, started, f"{acked_rate:,.0f} msgs/s acknowledged")
        return
    processed_at = ctx.monotonic_ns(result.stored.last_processed_at) if result.stored.last_processed_at else 0
    processed_rate = messages / ((processed_at - result.first_sent_ns) / 1e9) if processed_at else math.nan
    share = drive.broadcast_share(result, per_post)
    if share < 1 or not result.processed:
        ctx.fail(
            f"{key}: {share:.1%} of acknowledged messages reached the websocket listener "
            f"(stored and processed at {processed_rate:,.0f} msgs/s)"
        )
        ctx.record(f"{key}.e2e", math.nan)
        say(key, started, f"{acked_rate:,.0f} msgs/s acknowledged, {share:.1%} broadcast")
        return
    last_frame = max(t for client in result.seen for _, t in client)
    complete = max(last_frame, processed_at, result.last_done_ns)
    e2e = messages / ((complete - result.first_sent_ns) / 1e9)
    ctx.record(f"{key}.e2e", e2e)
    say(key, started, f"{acked_rate:,.0f} msgs/s acknowledged, {e2e:,.0f} msgs/s end to end")


def _open_spec(ctx: Context, rate: int, count: int) -> dict:
    return {
        "shape": "open",
        "rate": rate,
        "count": count,
        "requests": count,
        "warm_connections": 16,
        "max_connections": 1000,
        "answer_timeout": ctx.profile.answer_timeout,
    }


def ack_latency(ctx: Context, server: Server, *, key: str, prefix: str, rate: int) -> None:
    """Open loop at `rate` deliveries/s; latency from each request's scheduled time."""
    started = time.monotonic()
    spec = _open_spec(ctx, rate, int(rate * ctx.profile.open_seconds))
    result = drive.run(ctx, server, spec, label=key, prefix=prefix, per_post=1, listeners=0, lenient_timeouts=True)
    latency = Latency.of_ns(http_client.latencies_ns(_outcome(result.outcome)))
    for stat in ("p50", "p99", "max", "over_1s"):
        ctx.record(f"{key}.{stat}", getattr(latency, stat))
    lag_p99 = result.outcome["dispatch_lag_ms_p99"]
    if lag_p99 > 10:
        connections = result.outcome["connections"]
        cause = "all connections busy" if connections >= spec["max_connections"] else "short of CPU"
        ctx.note(
            f"{key}: the load generator sent late (p99 {lag_p99:.1f} ms after schedule, {connections} connections, "
            f"{cause}); latency still counts from the schedule"
        )
    record_cpu(ctx, key, result.cpu, result.acked)
    say(key, started, f"p50 {latency.p50:.1f} ms, p99 {latency.p99:.1f} ms, max {latency.max:.1f} ms")


def _outcome(data: dict) -> http_client.Outcome:
    return http_client.Outcome(
        statuses=data["statuses"], scheduled_ns=data["scheduled_ns"], sent_ns=data["sent_ns"], done_ns=data["done_ns"]
    )


def push_app(ctx: Context, server: Server, *, key: str, prefix: str) -> dict[str, float]:
    """Webhook POSTs at the push rate to the app; latency from each POST's scheduled time to
    each listening client receiving the frame with its wamid. Returns the shape of the app's
    frames (median bytes, messages per frame), which the baseline copies."""
    started = time.monotonic()
    count = int(ctx.profile.push_rate * ctx.profile.push_seconds)
    result = drive.run(
        ctx,
        server,
        _open_spec(ctx, ctx.profile.push_rate, count),
        label=key,
        prefix=prefix,
        per_post=1,
        listeners=ctx.profile.push_clients,
        lenient_timeouts=False,
    )
    _record_push(ctx, key, result.seen, result.outcome["scheduled_ns"], result.acked, started, strict=True)
    times = {
        index: (ctx.monotonic_ns(stored_at), ctx.monotonic_ns(processed_at))
        for index, (stored_at, processed_at) in ctx.checker.delivery_times(prefix).items()
    }
    split = PushSplit.of(result.seen or [], result.outcome["scheduled_ns"], times)
    for step in ("stored", "processed", "browsers"):
        ctx.record(f"{key}.split.{step}", getattr(split, step))
    record_cpu(ctx, key, result.cpu, result.acked)
    ctx.record(f"{key}.frame_bytes", result.frames.get("frame_bytes", math.nan))
    ctx.record(f"{key}.messages_per_frame", result.frames.get("messages_per_frame", math.nan))
    return result.frames if result.frames.get("frame_bytes") else DEFAULT_FRAME


def push_baseline(ctx: Context, server: Server, *, key: str, prefix: str, frames: dict[str, float]) -> None:
    """The same clients and message rate, frames of the app's size carrying as many messages
    as the app's, published straight onto the channel layer: the push with no webhook,
    database or rendering before it. With one message per frame, as an unbatched app sends,
    this is one fragment of the same size per message."""
    started = time.monotonic()
    count = int(ctx.profile.push_rate * ctx.profile.push_seconds)
    size = int(frames["frame_bytes"])
    per_frame = max(1, round(frames["messages_per_frame"]))
    ctx.record(f"{key}.frame_bytes", size)
    ctx.record(f"{key}.messages_per_frame", per_frame)
    listener, refusal = drive.start_listeners(ctx, server, label=key, prefix=prefix, clients=ctx.profile.push_clients)
    if refusal:
        ctx.fail(f"{key}: websocket listeners refused ({refusal}); 0 % of frames can be delivered")
        _record_push(ctx, key, None, [], count, started, strict=True)
        return
    spec = {"prefix": prefix, "rate": ctx.profile.push_rate, "count": count, "size": size, "per_frame": per_frame}
    publisher = Worker(ctx.processes, f"publisher-{key}", "bench.publisher", spec, env=ctx.app_env)
    publisher.ready()
    meter = ctx.meter(server)
    meter.start()
    publisher.go()
    published = publisher.result(timeout=ctx.profile.push_seconds + 60)
    listener.go(f"expect {count} {drive.SETTLE_SECONDS}")
    heard = listener.result(timeout=drive.SETTLE_SECONDS + 60)
    for error in heard["errors"][:3]:
        ctx.fail(f"{key}: websocket dropped: {error}")
    cpu = meter.stop()
    cpu.update(generator=published["cpu_s"], listeners=heard["cpu_s"])
    _record_push(ctx, key, heard["seen"], published["scheduled_ns"], count, started, strict=False)
    record_cpu(ctx, key, cpu, count)


def _record_push(
    ctx: Context, key: str, seen: list | None, scheduled_ns: list[int], sent: int, started: float, *, strict: bool
) -> None:
    """Latency over every (client, message) pair, a frame that never came counting as
    infinitely late. `strict`: anything short of 100 % delivered fails the run (the app);
    otherwise it is a note (the baseline, whose job is only to be compared with)."""
    clients = ctx.profile.push_clients
    pairs = [(index, t) for client in seen or [] for index, t in client]
    expected = clients * sent
    delivered = len(pairs) / expected if expected else 0.0
    latency = Latency.of_ns([t - scheduled_ns[index] for index, t in pairs] + [math.inf] * (expected - len(pairs)))
    ctx.record(f"{key}.p50", latency.p50)
    ctx.record(f"{key}.p99", latency.p99)
    ctx.record(f"{key}.delivered", delivered)
    say(key, started, f"p50 {latency.p50:.1f} ms, p99 {latency.p99:.1f} ms, {delivered:.2%} delivered")
    if delivered < 1:
        message = f"{key}: {delivered:.2%} of frames delivered to {clients} clients within {drive.SETTLE_SECONDS:.0f} s"
        if strict:
            ctx.fail(message + " (must be 100 %)")
        else:
            ctx.note(message)
