"""`python -m bench.staff_session`: create the bench's staff user and a logged-in session in the
database named by DATABASE_URL, and print the session key (the websocket clients' cookie).

Made by Django's own `force_login`, as a login would make it, so no login form or password
hashing sits in the measured path."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.update_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True, "is_active": True}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    client = Client()
    client.force_login(user)
    print(client.session.session_key)


if __name__ == "__main__":
    main()
