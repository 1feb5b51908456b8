"""Create the first superuser when the database has no users, so `make run` can be logged into.

Honours DJANGO_SUPERUSER_USERNAME / _PASSWORD / _EMAIL; otherwise creates `admin` with a random
one-time password and prints it."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a superuser if there are no users yet, and print how to log in."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("Log in with your existing staff account.")
            return
        if os.environ.get("DJANGO_SUPERUSER_USERNAME") and os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            call_command("createsuperuser", interactive=False, verbosity=0)
            username = os.environ["DJANGO_SUPERUSER_USERNAME"]
            self.stdout.write(f"Created superuser {username!r} from DJANGO_SUPERUSER_*.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created superuser 'admin' with one-time password: {password}\n"
                "Change it under Admin > Users after logging in; it is not shown again."
            )
        )
