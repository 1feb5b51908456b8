"""`make run` / `make demo`: prepare the database and serve the inbox with its task worker.

Environment variables win; for the embedded default, a per-checkout secret key, webhook app
secret and verify token are generated once into `.venv/local.env` (read by config/settings.py,
so every command in the checkout agrees) and a newcomer needs none.
`--demo` also starts the fake Graph API and a stream of simulated customers.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time

from config.settings import BASE_DIR, LOCAL_ENV_FILE, read_env_file

FAKE_GRAPH_PORT = 8001


def create_local_env() -> None:
    if not LOCAL_ENV_FILE.exists():
        LOCAL_ENV_FILE.write_text(
            f"SECRET_KEY={secrets.token_urlsafe(40)}\n"
            f"WHATSAPP_APP_SECRET={secrets.token_hex(16)}\n"
            f"WHATSAPP_WEBHOOK_VERIFY_TOKEN={secrets.token_urlsafe(16)}\n"
        )


def verify_token() -> str:
    name = "WHATSAPP_WEBHOOK_VERIFY_TOKEN"
    return os.environ.get(name) or read_env_file(LOCAL_ENV_FILE).get(name, "")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--demo", action="store_true", help="also run the fake Graph API and simulated customers")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "False")
    create_local_env()
    if args.demo:
        os.environ["WHATSAPP_GRAPH_URL"] = f"http://127.0.0.1:{FAKE_GRAPH_PORT}"
        os.environ.setdefault("WHATSAPP_ACCESS_TOKEN", "demo-access-token")
        # The fake Graph API's business account, so the admin's template sync works too.
        os.environ.setdefault("WHATSAPP_BUSINESS_ACCOUNT_ID", "102290129340398")

    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("ensure_superuser")

    # With Redis, webhook processing and media downloads run in worker processes of their own;
    # without it they must run inside the server, the only process whose websockets the
    # in-memory layer reaches.
    separate_worker = bool(os.environ.get("REDIS_URL"))
    if separate_worker:
        os.environ["RUN_TASKS_IN_SERVER"] = "False"
        os.environ["RUN_WEBHOOK_PROCESSOR_IN_SERVER"] = "False"
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(args.port), "config.asgi:application"],
            cwd=BASE_DIR,
        ),
    ]
    if separate_worker:
        children.append(subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=BASE_DIR))
        children.append(subprocess.Popen([sys.executable, "manage.py", "process_webhooks"], cwd=BASE_DIR))
    base_url = f"http://127.0.0.1:{args.port}"
    if args.demo:
        children.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "fake_graph_api", "--port", str(FAKE_GRAPH_PORT),
                 "--webhook-url", f"{base_url}/api/whatsapp/webhook/"],
                cwd=BASE_DIR,
            )
        )
        children.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "simulate_webhook", "--url", f"{base_url}/api/whatsapp/webhook/",
                 "--demo-stream", "--wait-for-server"],
                cwd=BASE_DIR,
            )
        )

    print(
        f"\nThe inbox is at {base_url}/  (admin: {base_url}/admin/)\n"
        f"Webhook URL for Meta: {base_url}/api/whatsapp/webhook/  (verify token: $WHATSAPP_WEBHOOK_VERIFY_TOKEN,"
        f" here {verify_token()})\n"
        f"Send a test message:\n"
        f"  .venv/bin/python manage.py simulate_webhook --url {base_url}/api/whatsapp/webhook/"
        f' --from 919876543210 --name "John Doe" --text "Hello"\n'
        f"Stop with Ctrl+C.\n",
        flush=True,
    )

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children[0].poll() is None:
        time.sleep(0.5)
    stop()


if __name__ == "__main__":
    main()
