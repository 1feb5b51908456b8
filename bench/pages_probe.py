"""`python -m bench.pages_probe '<json spec>'`: server time and query count of the inbox's pages
against the page data set (DATABASE_URL), through Django's test client in this process: the
whole Django request path (middleware, view, queries, templates), without the network.

Prints one JSON line: per page the timed requests' milliseconds, its query count and status,
or why it could not be measured (a view that does not exist yet is reported, not skipped)."""

import json
import os
import sys
import time

import django


def pages(spec: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """Page key → (URL, extra request headers)."""
    from django.urls import NoReverseMatch, reverse

    def url(name: str, *args, query: str = "") -> str:
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return ""

    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "list": (url("inbox:index"), {}),
        "search": (url("inbox:conversation-list", query=f"?q={spec['search_term']}"), htmx),
        "thread": (url("inbox:conversation", spec["big_conversation"]), htmx),
        "api_messages": ("/api/whatsapp/messages/", {}),
    }


def measure(client, url: str, headers: dict[str, str], requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url, **headers)
    if response.status_code != 200:
        reason = "no view" if response.status_code == 404 else f"HTTP {response.status_code}"
        return {"missing": reason}
    timings = []
    for _ in range(requests):
        started = time.perf_counter_ns()
        client.get(url, **headers)
        timings.append((time.perf_counter_ns() - started) / 1e6)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    return {"ms": timings, "queries": len(queries), "bytes": len(response.content)}


def main() -> None:
    spec = json.loads(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    user, _ = get_user_model().objects.update_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True, "is_active": True}
    )
    client = Client()
    client.force_login(user)
    results = {}
    for key, (url, headers) in pages(spec).items():
        results[key] = measure(client, url, headers, spec["requests"]) if url else {"missing": "no view"}
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
