"""Turns the per-round figures into the one table: medians over rounds, each beside its
baseline, with the ratio and the issue's target. Pure."""

import math
from collections.abc import Mapping, Sequence

from bench import table
from bench.profiles import Profile
from bench.stats import largest, median
from bench.table import Row

CPU_SHORT = {
    "server": "srv",
    "workers": "wrk",
    "postgres": "pg",
    "redis": "redis",
    "generator": "gen",
    "listeners": "ws",
    "graph": "graph",
}
SERVER_SIDE = ("server", "workers", "postgres", "redis")
PAGES = (
    ("list", "Conversation list, first page"),
    ("search", "Conversation list, search"),
    ("thread", "Thread of the {big_thread:,}-message conversation"),
    ("api_messages", "REST /api/whatsapp/messages/"),
)


class Figures:
    """Medians over rounds of the recorded figures; NaN when a figure was never recorded."""

    def __init__(self, results: Mapping[str, Sequence[float]]) -> None:
        self.results = results

    def __call__(self, key: str) -> float:
        return median(self.results.get(key, ()))

    def worst(self, key: str) -> float:
        """The largest value over rounds: for a figure whose target must hold in every round."""
        return largest(self.results.get(key, ()))

    def cpu(self, key: str) -> dict[str, float]:
        prefix = f"cpu.{key}."
        return {name[len(prefix) :]: median(values) for name, values in self.results.items() if name.startswith(prefix)}


def _met(value: float, test) -> bool | None:
    return None if table.missing(value) else bool(test(value))


def _pair(figure: str, app: float, baseline: float, fmt, *, target: str = "", met: bool | None = None) -> Row:
    return Row(
        figure=figure,
        app=fmt(app),
        baseline=fmt(baseline),
        ratio=table.ratio(app, baseline),
        target=target,
        verdict=table.verdict(met) if target else "",
    )


def throughput_rows(f: Figures) -> list[Row]:
    single, single_base = f("app1.e2e"), f("verify1.ack")
    share = single / single_base if not table.missing(single) and single_base else math.nan
    single_met = None if table.missing(single) else single >= 1000 and share >= 0.75
    return [
        _pair("Single-message deliveries/s acknowledged", f("app1.ack"), single_base, table.rate),
        _pair("Acknowledged/s beside the bare hello app (req/s)", f("app1.ack"), f("hello.ack"), table.rate),
        _pair(
            "Single-message deliveries/s end to end",
            single,
            single_base,
            table.rate,
            target="≥ 1,000/s and ≥ 0.75×",
            met=single_met,
        ),
        _pair("10 messages/POST: messages/s end to end", f("app10.e2e"), f("verify10.ack"), table.rate),
        _pair("100 messages/POST: messages/s end to end", f("app100.e2e"), f("verify100.ack"), table.rate),
    ]


def latency_rows(f: Figures, rates: Sequence[int]) -> list[Row]:
    rows = []
    for rate in rates:
        app, base = f"ack.app.{rate}", f"ack.verify.{rate}"
        p99_target = "< 100 ms" if rate == 500 else ""
        over_target = "0 %" if rate == 1000 else ""
        rows += [
            _pair(f"{rate:,}/s: p50", f(f"{app}.p50"), f(f"{base}.p50"), table.ms),
            _pair(
                f"{rate:,}/s: p99",
                f(f"{app}.p99"),
                f(f"{base}.p99"),
                table.ms,
                target=p99_target,
                met=_met(f(f"{app}.p99"), lambda v: v < 100),
            ),
            _pair(f"{rate:,}/s: max", f(f"{app}.max"), f(f"{base}.max"), table.ms),
            Row(
                # "Nothing over 1 s" must hold in every round, not in the median one.
                figure=f"{rate:,}/s: share over 1 s (worst round)",
                app=table.percent(f.worst(f"{app}.over_1s")),
                baseline=table.percent(f.worst(f"{base}.over_1s")),
                target=over_target,
                verdict=table.verdict(_met(f.worst(f"{app}.over_1s"), lambda v: v == 0)) if over_target else "",
            ),
        ]
    return rows


def push_rows(f: Figures) -> list[Row]:
    delivered = f("push.app.delivered")
    return [
        _pair(
            "p50",
            f("push.app.p50"),
            f("push.base.p50"),
            table.ms,
            target="< 25 ms",
            met=_met(f("push.app.p50"), lambda v: v < 25),
        ),
        _pair(
            "p99",
            f("push.app.p99"),
            f("push.base.p99"),
            table.ms,
            target="< 100 ms",
            met=_met(f("push.app.p99"), lambda v: v < 100),
        ),
        Row(
            figure="delivered",
            app=table.percent(delivered),
            baseline=table.percent(f("push.base.delivered")),
            target="100 %",
            verdict=table.verdict(_met(delivered, lambda v: v >= 1)),
        ),
        Row(
            figure="p50 by step: POST to stored · to processed · to the browsers",
            app=_split_cell(f("push.app.split.stored"), f("push.app.split.processed"), f("push.app.split.browsers")),
            baseline=f"– · – · {table.ms(f('push.base.p50'))}",
        ),
        Row(
            figure="frame: median bytes · messages per frame",
            app=_frame_cell(f("push.app.frame_bytes"), f("push.app.messages_per_frame")),
            baseline=_frame_cell(f("push.base.frame_bytes"), f("push.base.messages_per_frame")),
        ),
    ]


def _split_cell(*steps: float) -> str:
    if any(table.missing(step) for step in steps):
        return "n/a"
    return " · ".join(f"{step:,.1f}" for step in steps) + " ms"


def _megabytes(value: float | None) -> str:
    return "n/a" if table.missing(value) else f"{value:,.2f} MB/s"


def media_rows(f: Figures, profile: Profile) -> list[Row]:
    return [
        _pair(
            f"Images downloaded/s (baseline: {profile.media_workers} threads, lookup + GET each)",
            f("media.app.rate"),
            f("media.base.rate"),
            lambda value: "n/a" if table.missing(value) else f"{value:,.1f}/s",
        ),
        _pair("MB/s downloaded", f("media.app.mbps"), f("media.base.mbps"), _megabytes),
    ]


def _frame_cell(size: float, messages: float) -> str:
    if table.missing(size) or table.missing(messages):
        return "n/a"
    return f"{size:,.0f} B · {messages:g}"


def page_rows(pages: Mapping[str, dict], profile: Profile) -> list[Row]:
    rows = []
    for key, label in PAGES:
        page = pages.get(key, {"missing": "not measured"})
        target = "< 30 ms" if key != "api_messages" else ""
        figure = label.format(big_thread=profile.big_thread)
        if "missing" in page:
            rows.append(
                Row(figure=figure, app=f"n/a ({page['missing']})", target=target, verdict="n/a" if target else "")
            )
            continue
        p50 = median(page["ms"])
        rows.append(
            Row(
                figure=figure,
                app=f"{table.ms(p50)}, {page['queries']} queries",
                target=target,
                verdict=table.verdict(_met(p50, lambda v: v < 30)) if target else "",
            )
        )
    return rows


def _cpu_cell(split: dict[str, float]) -> str:
    order = list(CPU_SHORT)
    names = sorted(split, key=lambda name: order.index(name) if name in order else len(order))
    parts = [f"{CPU_SHORT.get(name, name)} {split[name]:.2f}" for name in names if not table.missing(split[name])]
    return " · ".join(parts) if parts else "n/a"


def _server_side(split: dict[str, float]) -> float:
    values = [split[name] for name in SERVER_SIDE if name in split]
    return sum(values) if values else math.nan


def cpu_rows(f: Figures, rates: Sequence[int]) -> list[Row]:
    pairs = [
        ("single, per delivery", "app1", "verify1"),
        ("10/POST, per message", "app10", "verify10"),
        ("100/POST, per message", "app100", "verify100"),
    ]
    if 500 in rates:
        pairs.append(("500/s fixed rate, per delivery", "ack.app.500", "ack.verify.500"))
    pairs.append(("push, per message", "push.app", "push.base"))
    pairs.append(("media download, per file", "media.app", "media.base"))
    rows = []
    for label, app, base in pairs:
        app_split, base_split = f.cpu(app), f.cpu(base)
        rows.append(
            Row(
                figure=label,
                app=_cpu_cell(app_split),
                baseline=_cpu_cell(base_split),
                ratio=table.ratio(_server_side(app_split), _server_side(base_split)),
            )
        )
    return rows


def _memory(value: float | None) -> str:
    return "n/a" if table.missing(value) else f"{value / 1e6:,.0f} MB"


def _disk(f: Figures, name: str, items: int, unit: str) -> str:
    total, indexes = f(f"storage.{name}"), f(f"storage.{name}.indexes")
    if table.missing(total) or not items:
        return "n/a"
    return f"{total / 1e6:,.0f} MB · {total / items:,.0f} B a {unit} · indexes {indexes / total * 100:.0f} %"


def _idle_cell(split: dict[str, float]) -> str:
    if not split:
        return "n/a"
    return _cpu_cell({name: share * 100 for name, share in split.items()}) + " % of one core"


def footprint_rows(f: Figures, profile: Profile) -> list[Row]:
    return [
        Row(figure=f"CPU with no traffic ({profile.idle_seconds:g} s)", app=_idle_cell(f.cpu("idle"))),
        _pair("daphne", f("memory.app.server"), f("memory.hello.server"), _memory),
        Row(figure="a process_webhooks worker", app=_memory(f("memory.app.worker"))),
        Row(figure="a db_worker (media downloads)", app=_memory(f("memory.app.db_worker"))),
        Row(figure="messages on disk, indexes included", app=_disk(f, "messages", profile.messages, "message")),
        Row(
            figure="conversations on disk, indexes included",
            app=_disk(f, "conversations", profile.conversations, "conversation"),
        ),
    ]


def build_rows(results: Mapping[str, Sequence[float]], pages: Mapping[str, dict], profile: Profile) -> list[Row]:
    f = Figures(results)
    return [
        table.section(f"Ingest throughput, closed loop, {profile.connections} connections (baseline: verify + insert)"),
        *throughput_rows(f),
        table.section("Acknowledgement latency, open loop, from the scheduled send (baseline: verify + insert)"),
        *latency_rows(f, profile.rates),
        table.section(
            f"Live push to {profile.push_clients} logged-in websockets at {profile.push_rate} msg/s "
            "(baseline: group_send straight onto the channel layer)"
        ),
        *push_rows(f),
        table.section(
            f"Inbox pages, {profile.conversations:,} conversations and {profile.messages:,} messages (p50 server time)"
        ),
        *page_rows(pages, profile),
        table.section(
            f"Media downloads: {profile.media_files} JPEGs of ~70 KB by webhook, fetched by "
            f"{profile.media_workers} db_worker processes from the fake Graph API until stored "
            "(baseline: a plain client, same files, same two steps)"
        ),
        *media_rows(f, profile),
        table.section(
            "CPU ms per item: srv (daphne) · wrk (workers) · pg · redis · gen · ws · graph "
            "(ratio: server side = srv + wrk + pg + redis)"
        ),
        *cpu_rows(f, profile.rates),
        table.section(
            "Footprint: CPU at rest, peak resident memory over the whole run (baseline: the bare hello "
            f"app on daphne), and disk at {profile.messages:,} messages"
        ),
        *footprint_rows(f, profile),
    ]
