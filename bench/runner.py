"""The bench from start to finish: fresh databases, the page data set and its probe, the three
servers (hello, verify + insert, the app) with the fake Graph API and db_workers for the media
downloads, interleaved rounds of every figure, the correctness checks, and the table printed
and written to bench/results/latest.md. Everything it starts is stopped by pid in `finally`,
Ctrl+C included."""

import json
import math
import os
import signal
import time

import psycopg2

from bench import baseline_apps, database, drive, footprint, machine, media_phase, pages_data, phases, report, table
from bench.context import Context, Server
from bench.processes import PYTHON, ROOT, Processes, StartupError, free_port, start_daphne
from bench.profiles import Profile
from bench.stats import median

RESULTS = ROOT / "bench" / "results"
APP_DATABASE = "inbox_bench"
REDIS_URL = "redis://127.0.0.1:6379/6"
SECRET = "bench-app-secret"


def base_env(database_name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database.url(database_name),
        REDIS_URL=REDIS_URL,
        WHATSAPP_APP_SECRET=SECRET,
        WHATSAPP_WEBHOOK_VERIFY_TOKEN="bench-verify-token",
        WHATSAPP_SEND_READ_RECEIPTS="False",
        RUN_TASKS_IN_SERVER="False",
        DEBUG="False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        BENCH_DATABASE_DSN=database.dsn(database_name),
    )
    return env


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def measure_pages(profile: Profile, processes: Processes) -> tuple[dict, dict[str, float]]:
    """Each page's timings and query count, and the bytes the data set's tables take."""
    print(f"page data set: {profile.conversations:,} conversations, {profile.messages:,} messages ...", flush=True)
    env = base_env(pages_data.NAME)
    data = pages_data.build(
        conversations=profile.conversations, messages=profile.messages, big_thread=profile.big_thread, env=env
    )
    storage = footprint.table_sizes(database.dsn(pages_data.NAME))
    print(
        f"  built in {data.seconds:.0f} s; messages take {storage['messages'] / 1e6:,.0f} MB on disk, "
        f"conversations {storage['conversations'] / 1e6:,.0f} MB",
        flush=True,
    )
    spec = {
        "big_conversation": data.big_conversation,
        "search_term": data.search_term,
        "requests": profile.page_requests,
    }
    process = processes.start("pages-probe", [PYTHON, "-m", "bench.pages_probe", json.dumps(spec)], env=env, pipes=True)
    output, _ = process.communicate(timeout=600)
    processes.stop(process)
    if process.returncode != 0:
        raise StartupError(f"pages probe failed:\n{processes.log_tail('pages-probe')}")
    pages = json.loads(output.decode().strip().splitlines()[-1])
    for key, page in pages.items():
        if "missing" in page:
            print(f"  {key:<16} NOT MEASURED: {page['missing']}", flush=True)
        else:
            print(f"  {key:<16} p50 {median(page['ms']):.1f} ms, {page['queries']} queries", flush=True)
    return pages, storage


def start_servers(processes: Processes, env: dict[str, str], *, app_workers: int) -> dict[str, Server]:
    ports: set[int] = set()
    apps = {
        "hello": "bench.baseline_apps:hello",
        "verify": "bench.baseline_apps:verify_insert",
        "app": "config.asgi:application",
    }
    servers = {}
    for kind, app in apps.items():
        port = free_port(ports)
        workers: tuple[int, ...] = ()
        server_env = env
        if kind == "app":
            # As in production with Redis: the server stores and acknowledges, a worker process
            # applies the deliveries (so the two don't share one interpreter lock).
            server_env = {**env, "RUN_WEBHOOK_PROCESSOR_IN_SERVER": "False"}
            workers = tuple(
                processes.start(f"app-worker-{n}", [PYTHON, "manage.py", "process_webhooks"], env=server_env).pid
                for n in range(1, app_workers + 1)
            )
        process = start_daphne(processes, name=f"server-{kind}", app=app, port=port, env=server_env)
        servers[kind] = Server(name=kind, kind=kind, port=port, pid=process.pid, worker_pids=workers)
        print(f"  {kind}: daphne {app} on 127.0.0.1:{port} (pid {process.pid}, workers {workers})", flush=True)
    return servers


def warm_up(ctx: Context) -> None:
    """A short unrecorded run on each server: imports, connections and caches are ready
    before the first measured round, and a broken setup shows at once."""
    for kind, server in ctx.servers.items():
        spec = {"shape": "closed", "connections": 8, "duration": 1.0, "requests": 500, "cycle": True, "budgeted": True}
        if kind == "app":
            spec.update(requests=300, cycle=False)
        drive.run(
            ctx,
            server,
            spec,
            label=f"warmup-{kind}",
            prefix=f"W{kind}Z",
            per_post=1,
            listeners=1,
            lenient_timeouts=False,
        )


def one_round(ctx: Context, number: int, media: media_phase.MediaRig) -> None:
    s = ctx.servers
    tag = f"R{number}Z"
    pairs = [
        (
            lambda: phases.throughput(ctx, s["verify"], key="verify1", prefix="VS" + tag, per_post=1),
            lambda: phases.throughput(ctx, s["app"], key="app1", prefix="AS" + tag, per_post=1),
        ),
        (lambda: phases.throughput(ctx, s["hello"], key="hello", prefix="HS" + tag, per_post=1), None),
        (
            lambda: phases.throughput(ctx, s["verify"], key="verify10", prefix="VT" + tag, per_post=10),
            lambda: phases.throughput(ctx, s["app"], key="app10", prefix="AT" + tag, per_post=10),
        ),
        (
            lambda: phases.throughput(ctx, s["verify"], key="verify100", prefix="VH" + tag, per_post=100),
            lambda: phases.throughput(ctx, s["app"], key="app100", prefix="AH" + tag, per_post=100),
        ),
    ]
    for rate in ctx.profile.rates:
        pairs.append(
            (
                lambda rate=rate: phases.ack_latency(
                    ctx, s["verify"], key=f"ack.verify.{rate}", prefix=f"VL{rate}{tag}", rate=rate
                ),
                lambda rate=rate: phases.ack_latency(
                    ctx, s["app"], key=f"ack.app.{rate}", prefix=f"AL{rate}{tag}", rate=rate
                ),
            )
        )
    # Alternate which side goes first, so a drift in the machine's speed favours neither.
    for baseline, app in pairs:
        for step in (app, baseline) if number % 2 == 0 else (baseline, app):
            if step:
                step()
    frames = phases.push_app(ctx, s["app"], key="push.app", prefix="PA" + tag)
    phases.push_baseline(ctx, s["app"], key="push.base", prefix="PB" + tag, frames=frames)
    media_phase.measure(ctx, media, prefix="MD" + tag, first_app=number % 2 == 0)


def measure_idle(ctx: Context, media: media_phase.MediaRig) -> None:
    """The CPU the app's processes (its workers and db_workers included), PostgreSQL and Redis
    use with no traffic at all, as a share of one core: what merely keeping it running costs."""
    meter = ctx.meter(media.server)
    meter.start()
    time.sleep(ctx.profile.idle_seconds)
    for component, seconds in meter.stop().items():
        ctx.record(f"cpu.idle.{component}", seconds / ctx.profile.idle_seconds)


def record_memory(ctx: Context, media: media_phase.MediaRig) -> None:
    """Peak resident memory of each server and of the app's workers, over the whole run."""
    for kind, server in ctx.servers.items():
        ctx.record(f"memory.{kind}.server", footprint.peak_rss(server.pid) or math.nan)
    app = ctx.servers["app"]
    db_workers = [pid for pid in media.server.worker_pids if pid not in app.worker_pids]
    ctx.record("memory.app.worker", footprint.largest_peak(app.worker_pids) or math.nan)
    ctx.record("memory.app.db_worker", footprint.largest_peak(db_workers) or math.nan)


def final_checks(ctx: Context) -> None:
    counted, stored = ctx.checker.counters_match()
    if counted != stored:
        ctx.fail(f"conversations count {counted} messages but {stored} are stored")


def profile_line(profile: Profile) -> str:
    workers = "1 `process_webhooks` worker"
    if profile.app_workers > 1:
        workers = f"{profile.app_workers} `process_webhooks` workers (one leading, the others helping with backlogs)"
    return (
        f"the app as one daphne server and {workers}: closed-loop runs of "
        f"{profile.closed_seconds:g} s on {profile.connections} connections, fixed-rate runs of "
        f"{profile.open_seconds:g} s at {', '.join(map(str, profile.rates))} deliveries/s, push for "
        f"{profile.push_seconds:g} s at {profile.push_rate} msg/s to {profile.push_clients} websockets, "
        f"{profile.media_files} image downloads by {profile.media_workers} db_workers (their default 1 s idle poll "
        "included)"
    )


def write_report(ctx: Context, pages: dict, description: dict[str, str], elapsed: float) -> str:
    rows = report.build_rows(ctx.results, pages, ctx.profile)
    title = (
        f"make bench ({ctx.profile.name}: {ctx.profile.rounds} round(s), medians) "
        f"on {description['cpu']}, {description['date']}"
    )
    text = table.render_text(rows, title=title)
    lines = [
        "# Benchmark results",
        "",
        f"`make bench` ({'`--quick` smoke run, not for comparison' if ctx.profile.name == 'quick' else 'full run'}), "
        f"{ctx.profile.rounds} interleaved round(s), medians over rounds; {elapsed / 60:.1f} minutes.",
        "",
        machine.markdown(description),
        "",
        f"Each round, with {profile_line(ctx.profile)}.",
        "",
        table.render_markdown(rows),
        "",
    ]
    if ctx.failures:
        lines += ["## Failed checks", "", *(f"- {failure}" for failure in ctx.failures), ""]
    if ctx.notes:
        lines += ["## Notes", "", *(f"- {note}" for note in ctx.notes), ""]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(lines))
    return text


def run(profile: Profile) -> int:
    started = time.monotonic()
    logs = RESULTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in logs.glob("*.log"):
        old.unlink()
    # Also SIGINT: a shell that starts the bench in the background leaves it ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    processes = Processes(logs)
    ctx = None
    media = None
    try:
        description = machine.describe(postgres_version=database.server_version("postgres"), redis_url=REDIS_URL)
        pages, storage = measure_pages(profile, processes)
        print("app database and servers ...", flush=True)
        env = base_env(APP_DATABASE)
        database.recreate(APP_DATABASE)
        database.migrate(env)
        with psycopg2.connect(database.dsn(APP_DATABASE)) as connection, connection.cursor() as cursor:
            cursor.execute(baseline_apps.CREATE_TABLE)
        connection.close()
        session_key = _staff_session(processes, env)
        ctx = Context(
            profile=profile,
            processes=processes,
            servers=start_servers(processes, env, app_workers=profile.app_workers),
            app_env=env,
            worker_env=env,
            secret=SECRET,
            session_key=session_key,
            checker=database.Checker(APP_DATABASE),
        )
        if not ctx.checker.autovacuum():
            ctx.vacuum_between_runs = True
            ctx.note(
                "autovacuum is off on this PostgreSQL server (it is on by default): the bench runs "
                "VACUUM (ANALYZE) after each app run, outside the measured time, as autovacuum would"
            )
        for name, size in storage.items():
            ctx.record(f"storage.{name}", size)
        for key, page in pages.items():
            if "missing" in page:
                ctx.note(f"page {key} not measured: {page['missing']}")
        media = media_phase.start(processes, env=env, app=ctx.servers["app"], workers=profile.media_workers)
        warm_up(ctx)
        for number in range(1, profile.rounds + 1):
            round_started = time.monotonic()
            print(f"round {number}/{profile.rounds} ({(round_started - started) / 60:.1f} min in) ...", flush=True)
            one_round(ctx, number, media)
            remaining = profile.rounds - number
            if remaining and time.monotonic() + (time.monotonic() - round_started) - started > profile.time_limit:
                ctx.note(
                    f"stopped after {number} of {profile.rounds} rounds: another would pass the "
                    f"{profile.time_limit / 60:.0f}-minute limit (the app is draining slowly)"
                )
                break
        measure_idle(ctx, media)
        record_memory(ctx, media)
        final_checks(ctx)
    except KeyboardInterrupt:
        print("\ninterrupted; stopping everything the bench started", flush=True)
        return 130
    except StartupError as error:
        print(f"bench could not run: {error}", flush=True)
        return 2
    finally:
        processes.stop_all()
        if media is not None:
            media.remove_files()
        if ctx is not None:
            ctx.checker.close()
    print()
    print(write_report(ctx, pages, description, time.monotonic() - started))
    minutes = (time.monotonic() - started) / 60
    print(f"\nwritten to {(RESULTS / 'latest.md').relative_to(ROOT)}; took {minutes:.1f} minutes")
    if ctx.failures:
        print(f"\n{len(ctx.failures)} check(s) FAILED:")
        for failure in ctx.failures:
            print(f"  - {failure}")
        return 1
    return 0


def _staff_session(processes: Processes, env: dict[str, str]) -> str:
    process = processes.start("staff-session", [PYTHON, "-m", "bench.staff_session"], env=env, pipes=True)
    output, _ = process.communicate(timeout=120)
    processes.stop(process)
    if process.returncode != 0:
        raise StartupError(f"could not create the bench's staff session:\n{processes.log_tail('staff-session')}")
    return output.decode().strip().splitlines()[-1]
