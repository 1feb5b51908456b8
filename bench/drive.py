"""One measured run against one server: start the websocket listeners (app only) and the load
generator, meter CPU from the first request until the app has processed everything it
acknowledged, then check what was stored: every acknowledged delivery stored and processed
exactly once, its messages all there, no wamid twice."""

from collections import Counter
from dataclasses import dataclass

from bench import baseline_apps, http_client
from bench.context import HOST, Context, Server
from bench.database import Stored
from bench.processes import Worker

SETTLE_SECONDS = 10.0  # how long listeners wait for the last frames once processing is done
FRAME_FIGURES = ("frame_bytes", "messages_per_frame")


@dataclass
class Drive:
    outcome: dict
    statuses: Counter
    acked: int
    cpu: dict[str, float]
    processed: bool
    stored: Stored | None
    seen: list[list[list[int]]] | None  # per listening client: [index, monotonic ns] pairs
    refusal: str | None  # why the listeners could not log in
    frames: dict[str, float]  # medians of frame_bytes and messages_per_frame

    @property
    def first_sent_ns(self) -> int:
        return min((t for t in self.outcome["sent_ns"] if t), default=0)

    @property
    def last_done_ns(self) -> int:
        return max(self.outcome["done_ns"], default=0)


def start_listeners(
    ctx: Context, server: Server, *, label: str, prefix: str, clients: int
) -> tuple[Worker | None, str | None]:
    spec = ctx.listener_spec(server, prefix=prefix, clients=clients)
    listener = Worker(ctx.processes, f"listeners-{label}", "bench.ws_listeners", spec, env=ctx.worker_env)
    answer = listener.ready(timeout=60)
    if answer != "ready":
        listener.stop()
        return None, answer
    return listener, None


def run(
    ctx: Context,
    server: Server,
    spec: dict,
    *,
    label: str,
    prefix: str,
    per_post: int,
    listeners: int,
    lenient_timeouts: bool,
) -> Drive:
    """Run the load generator with `spec` against `server`. `lenient_timeouts`: requests left
    unanswered are a latency result (fixed-rate runs), not a failure."""
    spec = {**spec, "host": HOST, "port": server.port, "prefix": prefix, "per_post": per_post, "secret": ctx.secret}
    listener, refusal = (None, None)
    if server.kind == "app" and listeners:
        listener, refusal = start_listeners(ctx, server, label=label, prefix=prefix, clients=listeners)
        if refusal:
            ctx.fail(f"{label}: websocket listeners refused ({refusal}); 0 % of frames can be delivered")
    generator = Worker(ctx.processes, f"loadgen-{label}", "bench.loadgen", spec, env=ctx.worker_env)
    generator.ready()
    table = {"app": "webhook_delivery", "verify": baseline_apps.TABLE}.get(server.kind)
    before = ctx.checker.max_id(table) if table else 0
    meter = ctx.meter(server)
    meter.start()
    generator.go()
    seconds = spec.get("duration") or spec["count"] / spec["rate"]
    outcome = generator.result(timeout=seconds + ctx.profile.answer_timeout + 120)
    statuses = Counter(outcome["statuses"])
    acked = statuses.get(200, 0)
    processed = True
    if server.kind == "app":
        processed = ctx.checker.wait_processed(after_id=before, expected=acked, timeout=ctx.profile.drain_timeout)
        if not processed:
            ctx.fail(f"{label}: deliveries still unprocessed {ctx.profile.drain_timeout:.0f} s after the last answer")
    seen, frames, listener_cpu = None, {}, 0.0
    if listener:
        listener.go(f"expect {acked * per_post} {SETTLE_SECONDS if processed else 1.0}")
        heard = listener.result(timeout=SETTLE_SECONDS + 60)
        seen, listener_cpu = heard["seen"], heard["cpu_s"]
        frames = {name: heard[name] for name in FRAME_FIGURES}
        for error in heard["errors"][:3]:
            ctx.fail(f"{label}: websocket dropped: {error}")
    cpu = meter.stop()
    cpu["generator"] = outcome["cpu_s"]
    if listener:
        cpu["listeners"] = listener_cpu
    if outcome.get("exhausted") and not spec.get("budgeted"):
        ctx.note(f"{label}: the generator used all its prebuilt requests before the time was up")
    _check_answers(ctx, label, statuses, lenient_timeouts=lenient_timeouts)
    stored = None
    if server.kind == "app":
        stored = ctx.checker.stored(after_id=before, prefix=prefix)
        _check_exactly_once(ctx, label, stored, acked=acked, sent=len(outcome["statuses"]), per_post=per_post)
        if ctx.vacuum_between_runs:
            ctx.checker.vacuum()
    elif server.kind == "verify":
        rows = ctx.checker.rows_after(baseline_apps.TABLE, before)
        if rows != acked:
            ctx.fail(f"{label}: the verify+insert baseline stored {rows} rows for {acked} answers 200")
    return Drive(outcome, statuses, acked, cpu, processed, stored, seen, refusal, frames)


def _check_answers(ctx: Context, label: str, statuses: Counter, *, lenient_timeouts: bool) -> None:
    wrong = {status: n for status, n in statuses.items() if status != 200}
    if lenient_timeouts:
        wrong.pop(http_client.TIMEOUT, None)
    if wrong:
        names = {http_client.TIMEOUT: "no answer", http_client.ERROR: "connection error"}
        ctx.fail(
            f"{label}: answers other than 200: "
            + ", ".join(f"{names.get(s, s)} × {n}" for s, n in sorted(wrong.items()))
        )


def _check_exactly_once(ctx: Context, label: str, stored: Stored, *, acked: int, sent: int, per_post: int) -> None:
    problems = []
    # A request that timed out may still have been stored: between acked and sent rows.
    if not acked <= stored.deliveries <= sent:
        problems.append(f"{stored.deliveries} deliveries stored for {acked} acknowledged of {sent} sent")
    unprocessed = {state: n for state, n in stored.by_state.items() if state != "processed"}
    if unprocessed:
        problems.append(f"deliveries not processed: {unprocessed}")
    expected = stored.deliveries * per_post
    if stored.messages_declared != expected:
        problems.append(f"deliveries declare {stored.messages_declared} messages, expected {expected}")
    if stored.messages != expected:
        problems.append(f"{stored.messages} messages stored, expected {expected}")
    if stored.distinct_wamids != stored.messages:
        problems.append(f"{stored.messages - stored.distinct_wamids} duplicate wamids")
    if stored.max_attempts > 1:
        problems.append(f"a delivery was processed {stored.max_attempts} times")
    for problem in problems:
        ctx.fail(f"{label}: {problem}")


def broadcast_share(drive: Drive, per_post: int) -> float:
    """The fraction of (client, acknowledged message) pairs whose frame arrived."""
    if not drive.seen or not drive.acked:
        return 0.0
    return sum(len(client) for client in drive.seen) / (len(drive.seen) * drive.acked * per_post)
