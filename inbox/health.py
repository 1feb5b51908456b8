"""`/healthz`: each dependency's state as JSON, for load balancers and monitoring.

200 while the database answers (a down Redis or an expired token degrades the inbox but does
not take it down), 503 when it doesn't. A few cheap queries, a Redis ping with a short timeout,
and no secrets in the output. Other apps add their part with `register` (the webhook app reports
its deliveries that way, so `inbox` needn't import it)."""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, Min, Q, When
from django.http import HttpRequest, JsonResponse
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.cache import never_cache

from inbox import whatsapp

logger = logging.getLogger(__name__)

REDIS_TIMEOUT = 0.5  # seconds
TASK_BACKLOG_AFTER = timedelta(minutes=5)
# States that leave the whole report "ok"; anything else makes it "degraded".
HEALTHY = {"ok", "in-memory"}

Check = Callable[[], dict[str, Any]]
_registered: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add `check` (returning a dict with at least "state") to the report as `name`. It runs only
    while the database answers."""
    _registered[name] = check


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    report: dict[str, Any] = {"status": "", "database": database, "channel_layer": check_channel_layer()}
    database_ok = database["state"] == "ok"
    checks: dict[str, Check] = {"tasks": check_tasks, **_registered}
    for name, check in checks.items():
        report[name] = _run(name, check) if database_ok else {"state": "unknown"}
    report["graph_api"] = check_graph_api()
    if not database_ok:
        report["status"] = "down"
    elif all(part["state"] in HEALTHY for key, part in report.items() if key != "status"):
        report["status"] = "ok"
    else:
        report["status"] = "degraded"
    return JsonResponse(report, status=200 if database_ok else 503)


def _run(name: str, check: Check) -> dict[str, Any]:
    try:
        return check()
    except Exception:
        logger.exception("health check %s failed", name)
        return {"state": "error"}


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("health check: database unreachable")
        return {"state": "unreachable", "vendor": connection.vendor}
    return {"state": "ok", "vendor": connection.vendor}


def _backend_name(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def check_channel_layer() -> dict[str, Any]:
    """The live-update layer: Redis is pinged; the in-memory layer works within one process only."""
    config = settings.CHANNEL_LAYERS.get("default", {})
    backend = config.get("BACKEND", "")
    report: dict[str, Any] = {"backend": _backend_name(backend)}
    if backend == "channels.layers.InMemoryChannelLayer":
        return {"state": "in-memory", **report}
    if not backend.startswith("channels_redis."):
        return {"state": "unknown", **report}
    hosts = config.get("CONFIG", {}).get("hosts") or ["redis://localhost:6379"]
    try:
        client = _redis_client(hosts[0])
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        logger.warning("health check: Redis unreachable (%s)", type(exc).__name__)
        return {"state": "unreachable", **report}
    return {"state": "ok", **report}


def _redis_client(host: Any) -> redis.Redis:
    """A client for a channels_redis host entry: a URL, {"address": URL, ...} or (host, port)."""
    options = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    if isinstance(host, dict):
        host = host.get("address", "redis://localhost:6379")
    if isinstance(host, (tuple, list)):
        return redis.Redis(host=host[0], port=int(host[1]), **options)
    return redis.Redis.from_url(str(host), **options)


def check_tasks() -> dict[str, Any]:
    """Background tasks (media downloads) waiting for a `db_worker`; a long wait means none runs."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != "django_tasks_db.DatabaseBackend":
        return {"state": "ok", "backend": _backend_name(backend)}
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    ready = Q(status=TaskResultStatus.READY)
    # A task without a delay has run_after set to the far future; its wait starts when enqueued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    totals = DBTaskResult.objects.aggregate(
        pending=Count("pk", filter=ready),
        oldest_due=Min(due_since, filter=ready & (Q(run_after=get_date_max()) | Q(run_after__lte=now))),
        failed_24h=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1))),
    )
    waited = now - totals["oldest_due"] if totals["oldest_due"] else None
    return {
        "state": "backlog" if waited and waited > TASK_BACKLOG_AFTER else "ok",
        "pending": totals["pending"],
        "oldest_pending_seconds": int(waited.total_seconds()) if waited else None,
        "failed_24h": totals["failed_24h"],
    }


def check_graph_api() -> dict[str, Any]:
    """Whether an access token is set and whether Meta last rejected it (never the token itself)."""
    if not whatsapp.has_token():
        return {"state": "missing", "token": "missing"}
    problem = whatsapp.token_problem()
    if problem:
        return {"state": "rejected", "token": "rejected", "error_code": problem.get("code"), "since": problem.get("at")}
    return {"state": "ok", "token": "configured"}
