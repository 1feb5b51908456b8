"""`manage.py create_api_token USERNAME`: the user's REST API token, printed as the last line of
stdout (explanations go to stderr, so `TOKEN=$(manage.py create_api_token alice)` works).

Running it again prints the same token; delete the token under Admin > Auth Token > Tokens to
issue a new one. The API is for staff only, so a token for any other user would be refused on
every request: such users need `--make-staff`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the REST API token of a staff user (created on first use) as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--make-staff",
            action="store_true",
            help="Give the user staff status first (the API accepts staff users only).",
        )

    def handle(self, *args, username: str, make_staff: bool, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f"No user named {username!r}. Create one first with `manage.py createsuperuser`."
            ) from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; the API would refuse its token.")
        if not user.is_staff:
            if not make_staff:
                raise CommandError(
                    f"User {username!r} is not staff and the API accepts staff users only. "
                    "Re-run with --make-staff to give them staff status."
                )
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            self.stderr.write(f"Gave {username!r} staff status.")
        token, created = Token.objects.get_or_create(user=user)
        self.stderr.write(f"{'Created a new' if created else 'Existing'} API token for {username!r}:")
        self.stdout.write(token.key)
