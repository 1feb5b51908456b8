"""Background threads of a server process, started with its first request.

The webhook processor and a task worker (media downloads) run here unless
RUN_WEBHOOK_PROCESSOR_IN_SERVER / RUN_TASKS_IN_SERVER are False: with the in-memory channel
layer a separate process could not reach this process's websockets. With Redis, production may
turn them off and scale `process_webhooks` and `db_worker` processes instead."""

import threading

from django.conf import settings

from webhook import processor

_lock = threading.Lock()
_started = False


def ensure_started() -> None:
    global _started
    if _started or not settings.START_BACKGROUND_THREADS:
        return
    with _lock:
        if _started:
            return
        if settings.RUN_WEBHOOK_PROCESSOR_IN_SERVER:
            processor.ensure_started()
        if settings.RUN_TASKS_IN_SERVER:
            threading.Thread(target=_run_task_worker, name="task-worker", daemon=True).start()
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
