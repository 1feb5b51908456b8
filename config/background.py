"""Background threads of a server process, started with its first request.

The webhook processor and a task worker (media downloads) run here unless
RUN_WEBHOOK_PROCESSOR_IN_SERVER / RUN_TASKS_IN_SERVER are False: with the in-memory channel
layer a separate process could not reach this process's websockets. With Redis, production may
turn them off and scale `process_webhooks` and `db_worker` processes instead. Every server
process also requeues lost media downloads now and then."""

import asyncio
import logging
import threading
import time

from django.conf import settings

from inbox import realtime
from webhook import processor

logger = logging.getLogger(__name__)
_lock = threading.Lock()
REQUEUE_MEDIA_EVERY = 600  # seconds
_started = False


def ensure_started() -> None:
    """Call from the server's event loop."""
    global _started
    if _started or not settings.START_BACKGROUND_THREADS:
        return
    with _lock:
        if _started:
            return
        # The processor and task threads publish frames through this loop, which owns the
        # in-memory layer's queues (and, with Redis, a connection already open).
        realtime.publish_on(asyncio.get_running_loop())
        if settings.RUN_WEBHOOK_PROCESSOR_IN_SERVER:
            processor.ensure_started()
        if settings.RUN_TASKS_IN_SERVER:
            threading.Thread(target=_run_task_worker, name="task-worker", daemon=True).start()
        threading.Thread(target=_requeue_lost_media, name="media-requeue", daemon=True).start()
        _started = True


def _run_task_worker() -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-server",
        excluded_queue_names=[],
    ).run()


def _requeue_lost_media() -> None:
    """Every few minutes, queue again media downloads whose worker died or whose task was lost
    (the same as `manage.py requeue_media`); cheap, and safe in several processes at once."""
    from django.db import close_old_connections

    from inbox import media

    while True:
        try:
            count = media.requeue_stale()
            if count:
                logger.info("requeued %d lost media downloads", count)
        except Exception:
            logger.exception("requeueing lost media downloads failed")
        finally:
            close_old_connections()
        time.sleep(REQUEUE_MEDIA_EVERY)
