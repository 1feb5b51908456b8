"""`/healthz`: each dependency's state as JSON; 503 when the database is unreachable."""

from django.db import connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unreachable"
    return JsonResponse({"database": database}, status=200 if database == "ok" else 503)
