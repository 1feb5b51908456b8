# The inbox's image: one daphne process per container; scale by running more containers
# (and `db_worker` containers for media downloads) on the same DATABASE_URL and REDIS_URL.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PORT=8000

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

RUN useradd --create-home --uid 1000 inbox && mkdir -p /app/media && chown inbox /app/media
USER inbox
EXPOSE 8000

# Migrations run once per release: `docker run IMAGE python manage.py migrate`.
# Workers: `docker run IMAGE python manage.py db_worker` with RUN_TASKS_IN_SERVER=False on the servers.
CMD ["sh", "-c", "exec daphne -b 0.0.0.0 -p ${PORT} config.asgi:application"]
